"""Reading the audit log: filtering and paging events, and telling them in words (French labels,
the names of the people and things they point to), for the admin's page and its CSV export.

An event stores its target as a kind and an id, and its details as JSON; the names are looked
up here, a few queries per page whatever its length, so that the log always shows today's
name of a thing that still exists, and says so when it was deleted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from training.accounts.models import Profession, Role, Territory, User
from training.audit import labels
from training.audit.models import AuditEvent
from training.audit.services import record_event
from training.certificates.models import Certificate
from training.content.models import Course, CourseVersion
from training.csv_export import csv_bytes
from training.extensions import db
from training.monitoring.models import ApiToken
from training.sessions.models import TrainingSession
from training.timeutils import PARIS, french_datetime

#: Actor of an event without one: a command-line action, or an account deleted since.
NO_ACTOR = "ligne de commande ou compte supprimé"
#: Actor of a failed log-in: whoever typed the password, unknown by definition.
NOT_LOGGED_IN = "personne non connectée"
#: Group-by values of a monitoring export (monitoring.filters.GROUP_LABELS), in words.
GROUPS = {
    "territoire": "par territoire",
    "profession": "par profession",
    "formation": "par formation",
}


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked for; empty values do not filter."""

    action: str = ""
    #: Part of the actor's name or e-mail address, in any case.
    person: str = ""
    #: First and last day (Paris time), both included.
    date_from: date | None = None
    date_to: date | None = None

    def details(self) -> dict[str, str]:
        """The filters in force, for the audit event of an export."""
        values = {
            "filtered_action": self.action,
            "person": self.person,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


def _paris_midnight(day: date) -> datetime:
    """The start of `day` in Paris, in UTC (SQLite compares the stored UTC digits as text)."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _statement(filters: AuditFilter) -> sa.Select:
    statement = (
        sa.select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if person := " ".join(filters.person.split()).lower():
        pattern = f"%{_escape_like(person)}%"
        statement = statement.where(
            AuditEvent.actor_id.in_(
                sa.select(User.id).where(
                    sa.or_(
                        User.email.like(pattern, escape="\\"),
                        sa.func.lower(User.full_name).like(pattern, escape="\\"),
                    )
                )
            )
        )
    if filters.date_from:
        statement = statement.where(AuditEvent.created_at >= _paris_midnight(filters.date_from))
    if filters.date_to:
        after = _paris_midnight(filters.date_to + timedelta(days=1))
        statement = statement.where(AuditEvent.created_at < after)
    return statement


def search_events(filters: AuditFilter, page: int, per_page: int):
    """A page of the events matching the filters, newest first (flask_sqlalchemy Pagination)."""
    return db.paginate(_statement(filters), page=page, per_page=per_page, error_out=False)


def all_events(filters: AuditFilter) -> list[AuditEvent]:
    """Every event matching the filters, newest first (for the export)."""
    return list(db.session.scalars(_statement(filters)).unique())


# --- events in words ------------------------------------------------------------------------


@dataclass(frozen=True)
class EventLine:
    """One event as the admin reads it."""

    event: AuditEvent
    actor: str
    action: str
    target: str
    #: (label, value) of each detail, in the order recorded.
    details: list[tuple[str, str]]


def _person(user: User | None) -> str | None:
    return f"{user.full_name} ({user.email})" if user is not None else None


@dataclass
class _Names:
    """The names of what a batch of events points to, each kind looked up once."""

    users: dict[int, User]
    certificates: dict[str, Certificate]
    course_titles: dict[int, str]
    titles_by_slug: dict[str, str]
    sessions: dict[int, str]
    tokens: dict[int, str]
    territories: dict[int, Territory]
    professions: dict[int, Profession]

    @classmethod
    def load(cls, events: Sequence[AuditEvent]) -> "_Names":
        def ids(kind: str, detail: str | None = None) -> set[int]:
            found = {_int(e.target_id) for e in events if e.target_type == kind}
            if detail:
                found |= {_int((e.details or {}).get(detail)) for e in events}
            return found - {None}

        codes = {e.target_id for e in events if e.target_type == "certificate"}
        certificates = (
            db.session.scalars(sa.select(Certificate).where(Certificate.code.in_(codes)))
            if codes
            else []
        )
        newest = (
            sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
            .group_by(CourseVersion.course_id)
            .subquery()
        )
        courses = db.session.execute(
            sa.select(Course.id, Course.slug, CourseVersion.title)
            .join(CourseVersion, CourseVersion.course_id == Course.id)
            .join(
                newest,
                sa.and_(
                    newest.c.course_id == CourseVersion.course_id,
                    newest.c.number == CourseVersion.number,
                ),
            )
        ).all()
        return cls(
            users={user.id: user for user in _by_id(User, ids("user", "user_id"))},
            certificates={certificate.code: certificate for certificate in certificates},
            course_titles={row.id: row.title for row in courses},
            titles_by_slug={row.slug: row.title for row in courses},
            sessions={s.id: s.name for s in _by_id(TrainingSession, ids("session", "session"))},
            tokens={t.id: t.name for t in _by_id(ApiToken, ids("api_token"))},
            territories={t.id: t for t in db.session.scalars(sa.select(Territory))},
            professions={p.id: p for p in db.session.scalars(sa.select(Profession))},
        )

    def territory_name(self, code: object) -> str:
        if code == "pilotes":
            return "territoires pilotes"
        return next((t.name for t in self.territories.values() if t.code == code), str(code))

    def profession_name(self, code: object) -> str:
        return next((p.name for p in self.professions.values() if p.code == code), str(code))

    def course_title(self, slug: object) -> str:
        return self.titles_by_slug.get(str(slug), str(slug))

    def user(self, user_id: object) -> str:
        return _person(self.users.get(_int(user_id))) or f"compte supprimé (n° {user_id})"

    def session(self, session_id: object) -> str:
        name = self.sessions.get(_int(session_id))
        return f"« {name} »" if name else f"session supprimée (n° {session_id})"


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _by_id(model, ids: set[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))


def _target(event: AuditEvent, names: _Names) -> str:
    kind, target_id, details = event.target_type, event.target_id, event.details or {}
    number = _int(target_id)
    if kind == "user":
        # A failed log-in with an address that has no account: the address is not kept.
        return names.user(target_id) if target_id else "Compte inconnu"
    if kind == "certificate":
        certificate = names.certificates.get(target_id)
        holder = f" de {certificate.holder_name}" if certificate else ""
        return f"Attestation {target_id}{holder}"
    if kind == "course":
        title = names.course_titles.get(number) or names.course_title(details.get("slug", ""))
        return f"Cours « {title} »" if title else f"Cours n° {target_id}"
    if kind == "course_draft":
        return f"Brouillon du cours « {names.course_title(details.get('slug', '?'))} »"
    if kind == "session":
        return f"Session {names.session(target_id)}"
    if kind in ("territory", "profession"):
        items = names.territories if kind == "territory" else names.professions
        item = items.get(number)
        return f"{labels.target_label(kind)} « {item.name if item else details.get('name', '?')} »"
    if kind == "api_token":
        name = names.tokens.get(number) or details.get("name")
        return f"Jeton « {name} »" if name else f"Jeton n° {target_id}"
    if kind == "target_population":
        if target_id == "csv":
            return "Populations cibles (fichier CSV)"
        territory, profession = details.get("territory"), details.get("profession")
        if territory and profession:
            where = f"{names.profession_name(profession)}, {names.territory_name(territory)}"
            return f"Population cible : {where}"
    if kind in ("monitoring", "audit"):
        return f"{labels.target_label(kind)} (fichier {target_id.upper()})"
    return f"{labels.target_label(kind)} n° {target_id}"


def _value(key: str, value: object, names: _Names) -> str:
    """One detail's value in words: names instead of codes and ids, oui/non, role labels."""
    if value is None or value == "" or isinstance(value, bool | list):
        return labels.plain_value(value)
    if key in ("previous", "new") and isinstance(value, str) and value in set(Role):
        return Role(value).label
    if key in ("territory", "territoire"):
        return names.territory_name(value)
    if key == "profession":
        return names.profession_name(value)
    if key in ("course", "slug", "formation"):
        return names.course_title(value)
    if key == "user_id":
        return names.user(value)
    if key == "session":
        return names.session(value)
    if key == "par":
        return GROUPS.get(str(value), str(value))
    if key == "filtered_action":
        return labels.action_label(str(value))
    if key in ("date_from", "date_to"):
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if key == "format":
        return str(value).upper()
    return labels.plain_value(value)


def describe(events: Sequence[AuditEvent]) -> list[EventLine]:
    """The events in words, in the same order (a few queries whatever their number)."""
    names = _Names.load(events)
    return [
        EventLine(
            event=event,
            actor=_person(event.actor)
            or (NOT_LOGGED_IN if event.action == "user.login_failed" else NO_ACTOR),
            action=labels.action_label(event.action),
            target=_target(event, names),
            details=[
                (labels.detail_label(event.action, key), _value(key, value, names))
                for key, value in (event.details or {}).items()
            ],
        )
        for event in events
    ]


# --- the export -----------------------------------------------------------------------------

CSV_HEADER = ["Date", "Auteur ou autrice", "Action", "Objet", "Détails", "Code de l'action"]
#: Events described per batch: bounded memory and queries, whatever the log's length.
BATCH = 500


def _batches(events: Sequence[AuditEvent]) -> Iterable[Sequence[AuditEvent]]:
    for start in range(0, len(events), BATCH):
        yield events[start : start + BATCH]


def to_csv(events: Sequence[AuditEvent]) -> bytes:
    """The events as the page shows them, one line each (see training.csv_export)."""
    lines: list[list[str]] = [CSV_HEADER]
    for batch in _batches(events):
        lines.extend(
            [
                french_datetime(line.event.created_at),
                line.actor,
                line.action,
                line.target,
                " ; ".join(f"{label} : {value}" for label, value in line.details),
                line.event.action,
            ]
            for line in describe(batch)
        )
    return csv_bytes(lines)


def export_csv(filters: AuditFilter, actor: User | None) -> bytes:
    """Every event the filters select as a CSV file, the export recorded in the log (flushed,
    the caller commits)."""
    events = all_events(filters)
    body = to_csv(events)
    record_event(actor, "audit.exported", "audit", "csv", rows=len(events), **filters.details())
    return body
