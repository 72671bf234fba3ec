"""Target populations: how many professionals of each profession a territory has.

They are the denominator of coverage (certified professionals ÷ target population). An admin
enters them one by one or imports a CSV file (read by target_csv). Functions flush but never
commit, and write an audit event with the change they make.
"""

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from training.accounts import services as accounts
from training.accounts.models import Profession, Territory, User
from training.audit.services import record_event
from training.extensions import db
from training.monitoring.models import TargetPopulation
from training.monitoring.target_csv import (
    TargetError,
    TargetRow,
    parse_targets_csv,
)
from training.numbers import french_number

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    """How many lines of an imported file created, updated or left unchanged a target."""

    created: int
    updated: int
    #: Lines identical to the stored target: importing the same file twice changes nothing.
    unchanged: int = 0

    def describe(self) -> str:
        """« 3 populations cibles créées, 2 mises à jour. », for the message after an import."""
        parts = [
            _count(self.created, "population cible créée", "populations cibles créées"),
            _count(self.updated, "mise à jour", "mises à jour"),
        ]
        if self.unchanged:
            parts.append(_count(self.unchanged, "inchangée", "inchangées"))
        return ", ".join(parts) + "."


def _count(number: int, singular: str, plural: str) -> str:
    return f"{french_number(number)} {singular if number < 2 else plural}"


def list_targets() -> list[TargetPopulation]:
    """Pilot territories first, then by territory and profession, as on the reference pages."""
    return list(
        db.session.scalars(
            sa.select(TargetPopulation)
            .join(TargetPopulation.territory)
            .join(TargetPopulation.profession)
            .options(
                contains_eager(TargetPopulation.territory),
                contains_eager(TargetPopulation.profession),
            )
            .order_by(
                Territory.is_pilot.desc(),
                Territory.position,
                Territory.name,
                Profession.position,
                Profession.name,
            )
        )
    )


def targets_by_cell() -> dict[tuple[int, int], TargetPopulation]:
    """Every target population by (territory id, profession id)."""
    return {
        (target.territory_id, target.profession_id): target
        for target in db.session.scalars(sa.select(TargetPopulation))
    }


def save_target(
    target: TargetPopulation | None,
    *,
    territory: Territory,
    profession: Profession,
    population: int,
    source: str,
    year: int,
    actor: User | None,
) -> TargetPopulation:
    """Create (target=None) or update a target population; one per territory and profession."""
    clash = db.session.scalar(
        sa.select(TargetPopulation).filter_by(
            territory_id=territory.id, profession_id=profession.id
        )
    )
    if clash is not None and clash is not target:
        raise TargetError(
            f"Une population cible existe déjà pour « {profession.name} » sur le territoire "
            f"« {territory.name} » : modifiez-la dans la liste."
        )
    if target is None:
        target = TargetPopulation()
        db.session.add(target)
    source = source.strip()
    target.territory, target.profession = territory, profession
    target.population, target.source, target.year = population, source, year
    db.session.flush()
    record_event(
        actor,
        "target.saved",
        "target_population",
        target.id,
        territory=territory.code,
        profession=profession.code,
        population=population,
        source=source,
        year=year,
    )
    return target


def delete_target(target: TargetPopulation, actor: User | None) -> None:
    """Delete a target population: its territory and profession have no denominator any more."""
    record_event(
        actor,
        "target.deleted",
        "target_population",
        target.id,
        territory=target.territory.code,
        profession=target.profession.code,
        population=target.population,
    )
    db.session.delete(target)
    db.session.flush()


def import_targets_csv(text: str, actor: User | None) -> ImportResult:
    """Create or update a target population for every line of a CSV file (see
    parse_targets_csv), all or nothing: on any problem, TargetImportError and nothing written.
    Retired territories and professions are unknown here, as in the form."""
    territories = {t.code: t for t in accounts.offered_territories()}
    professions = {p.code: p for p in accounts.offered_professions()}
    rows = parse_targets_csv(text, territories.keys(), professions.keys())
    stored = targets_by_cell()
    outcomes = Counter(
        _store(row, territories[row.territory], professions[row.profession], stored) for row in rows
    )
    db.session.flush()
    result = ImportResult(outcomes["created"], outcomes["updated"], outcomes["unchanged"])
    record_event(actor, "targets.imported", "target_population", "csv", **asdict(result))
    return result


def _store(
    row: TargetRow,
    territory: Territory,
    profession: Profession,
    stored: dict[tuple[int, int], TargetPopulation],
) -> Outcome:
    target = stored.get((territory.id, profession.id))
    figures = (row.population, row.source, row.year)
    if target is None:
        population, source, year = figures
        db.session.add(
            TargetPopulation(
                territory=territory,
                profession=profession,
                population=population,
                source=source,
                year=year,
            )
        )
        return "created"
    if (target.population, target.source, target.year) == figures:
        return "unchanged"
    target.population, target.source, target.year = figures
    return "updated"
