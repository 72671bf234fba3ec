"""The indicators API's answers as typed models, and its OpenAPI document generated from them.

The same pydantic models build every JSON answer (`indicators_response`) and give the
document's schemas (`openapi_document`): what is described cannot drift from what is served.
The query parameters are described from the definitions the parser uses (periods, group
labels, the territories, professions and courses in the database).
"""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from training.errors import API_ERRORS
from training.monitoring import periods
from training.monitoring.filters import GROUP_LABELS, PILOTS, Choices, Filters
from training.monitoring.indicators import COLUMNS, TOTAL, MonthPoint, Report, Row, Shown, Stage
from training.monitoring.indicators import PILOTS as PILOT_ROWS
from training.monitoring.tokens import TOKEN_PREFIX

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
SCHEMA_REF = "#/components/schemas/{model}"
#: The `periode` values the parser accepts (periods.parse_period): a year, a quarter, a month,
#: or « plage » with `du` and `au`. A test checks the pattern and the parser agree.
PERIOD_PATTERN = r"^(plage|[0-9]{4}|[0-9]{4}-T[1-4]|[0-9]{4}-(0[1-9]|1[0-2]))$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
INVALID_FILTER = "invalid_filter"
SECURITY_SCHEME = "jeton"


class ApiModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cell(ApiModel):
    """Un chiffre tel que le tableau de bord l'affiche."""

    value: int | float | None = Field(
        description="La valeur ; null quand elle est masquée (secret statistique) ou sans objet."
    )
    text: str = Field(
        description="Le texte affiché : « 12 500 », « < 5 », « s », « 45,0 % », « — ».",
        examples=["12\u202f500", "< 5", "s", "45,0\u202f%", "—"],
    )
    suppressed: Literal["small", "secondary"] | None = Field(
        description="Pourquoi le chiffre est masqué : « small » (effectif de 1 au seuil moins "
        "un), « secondary » (masqué pour qu'un autre ne se déduise pas d'un total) ; null "
        "s'il ne l'est pas."
    )

    @classmethod
    def of(cls, shown: Shown) -> "Cell":
        return cls(value=shown.value, text=shown.text, suppressed=shown.suppressed)


class Choice(ApiModel):
    """La valeur d'un filtre : son code dans l'adresse et son libellé."""

    code: str | None = Field(description="Code du paramètre ; null : pas de filtre (tous).")
    label: str


class AppliedFilters(ApiModel):
    """Les filtres appliqués, tels que le tableau de bord les décrit."""

    territoire: Choice
    profession: Choice
    formation: Choice
    par: Choice = Field(description="Ce que sont les lignes du tableau.")


class Period(ApiModel):
    value: str = Field(description="Valeur du paramètre `periode` (« plage » pour une plage).")
    label: str = Field(examples=["1er trimestre 2026"])
    first_month: str = Field(pattern=MONTH_PATTERN, description="Premier mois, AAAA-MM.")
    last_month: str = Field(pattern=MONTH_PATTERN, description="Dernier mois, AAAA-MM.")


class Column(ApiModel):
    """Un indicateur (une colonne du tableau)."""

    code: str
    label: str
    kind: Literal["count", "rate", "score", "days"] = Field(
        description="count : effectif ; rate : pourcentage ; score : sur 100 ; days : jours."
    )
    help: str = Field(
        description="Définition courte ; complète dans la définition des indicateurs."
    )


#: One field per indicator, so that the document names each of them.
Cells = create_model(
    "Cells",
    __base__=ApiModel,
    __doc__="Les chiffres d'une ligne, un par indicateur (voir `columns`).",
    **{
        column.code: (Cell, Field(description=f"{column.label} : {column.help}"))
        for column in COLUMNS
    },
)


class TableRow(ApiModel):
    """Une ligne du tableau : un groupe, le sous-total des territoires pilotes ou le total."""

    key: str = Field(
        description="Code du territoire, de la profession ou de la formation de la ligne "
        "(selon `par`) ; « pilots » pour le sous-total des territoires pilotes ; « total »."
    )
    label: str
    kind: Literal["group", "subtotal", "total"]
    cells: Cells


class FunnelStage(ApiModel):
    """Une étape de l'entonnoir : inscriptions de la période qui l'ont atteinte."""

    code: str
    label: str
    count: Cell
    share: Cell = Field(description="Part des inscriptions de la période.")
    median_days: Cell = Field(description="Délai médian depuis l'inscription.")


class Month(ApiModel):
    """Un mois du graphique : inscriptions du mois et, parmi elles, formations terminées."""

    month: str = Field(pattern=MONTH_PATTERN, description="AAAA-MM.")
    label: str
    enrolled: Cell
    completed: Cell


class IndicatorsResponse(ApiModel):
    """Les indicateurs d'un découpage : les chiffres du tableau de bord « Suivi du plan »."""

    filters: AppliedFilters
    period: Period
    generated_at: datetime = Field(description="Date et heure de l'extraction (ISO 8601).")
    threshold: int = Field(description="Seuil du secret statistique : 1 à seuil − 1 est masqué.")
    suppression_rule: str = Field(description="La règle du secret statistique, en clair.")
    target_sources: list[str] = Field(description="Sources des populations cibles utilisées.")
    columns: list[Column]
    rows: list[TableRow]
    funnel: list[FunnelStage]
    months: list[Month]


class ErrorDetail(ApiModel):
    code: str = Field(
        description="Code stable, pour les programmes : "
        + ", ".join(sorted({code for code, _ in API_ERRORS.values()} | {INVALID_FILTER}))
        + "."
    )
    message: str = Field(description="Explication en français, pour les personnes.")


class ErrorResponse(ApiModel):
    """Toute erreur de l'API."""

    error: ErrorDetail


# --- building the answer --------------------------------------------------------------------


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _group_codes(filters: Filters, choices: Choices) -> dict[int, str]:
    """Code of each group row's id, as the query string names it."""
    if filters.group_by == "territoire":
        return {t.id: t.code for t in choices.territories}
    if filters.group_by == "profession":
        return {p.id: p.code for p in choices.professions}
    return {v.course_id: v.course.slug for v in choices.courses}


def _row(row: Row, codes: dict[int, str]) -> TableRow:
    if row.key == TOTAL:
        key = "total"
    elif row.key == PILOT_ROWS:
        key = "pilots"
    else:
        key = codes[row.key[1]]
    cells = Cells(**{code: Cell.of(shown) for code, shown in row.cells.items()})
    return TableRow(key=key, label=row.label, kind=row.kind, cells=cells)


def _stage(stage: Stage) -> FunnelStage:
    return FunnelStage(
        code=stage.code,
        label=stage.label,
        count=Cell.of(stage.count),
        share=Cell.of(stage.share),
        median_days=Cell.of(stage.median_days),
    )


def _chart_month(point: MonthPoint) -> Month:
    return Month(
        month=_month(point.month),
        label=point.label,
        enrolled=Cell.of(point.enrolled),
        completed=Cell.of(point.completed),
    )


def _filters(filters: Filters) -> AppliedFilters:
    query = filters.query()
    described = dict(filters.describe())
    return AppliedFilters(
        territoire=Choice(code=query.get("territoire"), label=described["Territoire"]),
        profession=Choice(code=query.get("profession"), label=described["Profession"]),
        formation=Choice(code=query.get("formation"), label=described["Formation"]),
        par=Choice(code=filters.group_by, label=described["Regroupement"]),
    )


def indicators_response(report: Report, choices: Choices) -> IndicatorsResponse:
    """The report as the API serves it: the figures, texts and reasons the page shows."""
    period = report.filters.period
    codes = _group_codes(report.filters, choices)
    return IndicatorsResponse(
        filters=_filters(report.filters),
        period=Period(
            value=period.value,
            label=period.label,
            first_month=_month(period.first_month),
            last_month=_month(period.last_month),
        ),
        generated_at=report.generated_at,
        threshold=report.threshold,
        suppression_rule=report.suppression_rule(),
        target_sources=report.target_sources,
        columns=[
            Column(code=c.code, label=c.label, kind=c.kind, help=c.help) for c in report.columns
        ],
        rows=[_row(row, codes) for row in report.rows],
        funnel=[_stage(stage) for stage in report.funnel],
        months=[_chart_month(point) for point in report.months],
    )


# --- the OpenAPI document -------------------------------------------------------------------


def _listing(items: list[tuple[str, str]]) -> str:
    return " ; ".join(f"`{code}` ({label})" for code, label in items) or "aucune pour l'instant"


def _string(enum: list[str] | None = None, **schema: object) -> dict:
    """A string schema; an enum only when it has values (an empty enum allows nothing)."""
    return {"type": "string", **({"enum": enum} if enum else {}), **schema}


def _parameter(name: str, description: str, schema: dict, example: str | None = None) -> dict:
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def query_parameters(choices: Choices, today: date) -> list[dict]:
    """The filters of filters.parse_filters, with the values the database holds today."""
    default_period = periods.last_full_quarter(today)
    territories = [(t.code, t.name) for t in choices.territories]
    professions = [(p.code, p.name) for p in choices.professions]
    courses = [(v.course.slug, v.title) for v in choices.courses]
    groups = list(GROUP_LABELS)
    return [
        _parameter(
            "periode",
            "Période : une année (`2026`), un trimestre (`2026-T1`), un mois (`2026-03`) ou "
            "`plage` avec `du` et `au`. Par défaut : le dernier trimestre complet "
            f"(aujourd'hui `{default_period.value}`, {default_period.label}).",
            _string(pattern=PERIOD_PATTERN),
            example=default_period.value,
        ),
        _parameter(
            "du",
            "Premier mois de la plage, AAAA-MM (avec `periode=plage`).",
            _string(pattern=MONTH_PATTERN),
            example=_month(default_period.first_month),
        ),
        _parameter(
            "au",
            "Dernier mois de la plage, AAAA-MM (avec `periode=plage`) ; au plus "
            f"{periods.MAX_MONTHS} mois.",
            _string(pattern=MONTH_PATTERN),
            example=_month(default_period.last_month),
        ),
        _parameter(
            "territoire",
            f"Code d'un territoire, ou `{PILOTS}` pour les territoires pilotes ; absent : "
            f"tous (national). Codes : {_listing(territories)}.",
            _string([PILOTS, *(code for code, _ in territories)]),
        ),
        _parameter(
            "profession",
            f"Code d'une profession ; absent : toutes. Codes : {_listing(professions)}.",
            _string([code for code, _ in professions]),
        ),
        _parameter(
            "formation",
            f"Code (identifiant) d'une formation ; absent : toutes. Codes : {_listing(courses)}.",
            _string([code for code, _ in courses]),
        ),
        _parameter(
            "par",
            "Ce que sont les lignes du tableau : "
            + ", ".join(f"`{code}`" for code in groups)
            + " (par défaut `territoire`).",
            _string(groups, default="territoire"),
        ),
    ]


def _error(description: str, headers: dict | None = None) -> dict:
    response: dict = {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": SCHEMA_REF.format(model="ErrorResponse")}}
        },
    }
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, schema: dict) -> dict:
    return {"description": description, "schema": schema}


def openapi_document(
    choices: Choices,
    today: date,
    server_url: str,
    paths: dict[str, str],
    suppression_rule: str,
) -> dict:
    """The OpenAPI 3.1 document; `paths` names the URL of each operation ("indicators",
    "openapi"), as the URL map builds it."""
    _, schemas = models_json_schema(
        [(IndicatorsResponse, "serialization"), (ErrorResponse, "serialization")],
        ref_template=SCHEMA_REF,
    )
    indicators = {
        "operationId": "getIndicators",
        "summary": "Les indicateurs d'un découpage",
        "description": "Les chiffres du tableau de bord « Suivi du plan » pour les filtres "
        "donnés, avec le texte affiché et la raison de chaque chiffre masqué. " + suppression_rule,
        "parameters": query_parameters(choices, today),
        "responses": {
            "200": {
                "description": "Les indicateurs.",
                "content": {
                    "application/json": {
                        "schema": {"$ref": SCHEMA_REF.format(model="IndicatorsResponse")}
                    }
                },
            },
            "400": _error("Filtres incorrects (code `invalid_filter`) ; le message dit lequel."),
            "401": _error(
                "Jeton manquant, inconnu ou révoqué.",
                {"WWW-Authenticate": _header("`Bearer realm=api`", {"type": "string"})},
            ),
            "403": _error("Le titulaire du jeton n'est plus observateur ni administrateur."),
            "429": _error(
                "Trop de requêtes : limite par jeton dépassée.",
                {"Retry-After": _header("Secondes à attendre.", {"type": "integer"})},
            ),
        },
    }
    openapi = {
        "operationId": "getOpenApiDocument",
        "summary": "Ce document",
        "description": "La description OpenAPI de l'API, sans authentification.",
        "security": [],
        "responses": {
            "200": {
                "description": "Le document OpenAPI.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "429": _error("Trop de requêtes."),
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "API des indicateurs du suivi du plan de formation",
            "version": API_VERSION,
            "description": "Chiffres agrégés de la plateforme de formation au repérage de la "
            "traite des êtres humains, pour la Miprof : les mêmes que le tableau de bord. "
            "Aucune donnée individuelle. Authentification par jeton personnel, créé depuis "
            "« Mon compte » › « Jetons d'accès à l'API ».",
        },
        "servers": [{"url": server_url}],
        "security": [{SECURITY_SCHEME: []}],
        "paths": {
            paths["indicators"]: {"get": indicators},
            paths["openapi"]: {"get": openapi},
        },
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": f"Jeton personnel (`{TOKEN_PREFIX}…`) dans l'en-tête "
                    "`Authorization: Bearer <jeton>`.",
                }
            },
        },
    }
