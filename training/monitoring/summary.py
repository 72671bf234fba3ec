"""The summary tables, kept in step with the raw data in the transaction of each change.

Features note what they change (training.events); just before the transaction commits, each
noted enrolment or account is read again from the raw data, its facts (facts.py) compared
with those stored at its previous change, and the difference added to the summary rows with
`INSERT … ON CONFLICT DO UPDATE`. A change and its figures are thus committed together, and
reading the figures never scans enrolments. `rebuild` recomputes everything from scratch with
the same functions (`flask monitoring rebuild`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from training.accounts.models import Role, User
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.events import CHANGED_ACCOUNTS, CHANGED_ENROLMENTS
from training.extensions import built_once, db, insert_with_conflicts
from training.learning.models import QuizAttempt, StepCompletion
from training.learning.outline import outline_of
from training.monitoring import facts as f
from training.monitoring.models import (
    ActivityCount,
    CertificateCount,
    CohortCount,
    RegistrationCount,
    StageCount,
    SummaryFacts,
)
from training.timeutils import as_aware

#: In the order rows are locked: always the same, so that concurrent changes cannot deadlock.
SUMMARY_MODELS = (CohortCount, StageCount, CertificateCount, ActivityCount, RegistrationCount)
TABLES = {model.__tablename__: model.__table__ for model in SUMMARY_MODELS}
ENROLMENT, ACCOUNT = "enrolment", "account"


# --- reading the raw data -------------------------------------------------------------------


def version_shapes(version_ids: Iterable[int]) -> dict[int, f.VersionShape]:
    """From the versions' outlines, kept by the process (training.learning.outline)."""
    shapes = {}
    for version_id in set(version_ids):
        outline = outline_of(version_id)
        modules: dict[int, set[int]] = defaultdict(set)
        final_quiz = None
        for step in outline.steps:
            modules[step.module.position].add(step.id)
            if step.kind == "quiz":
                final_quiz = step.id
        if modules:
            shapes[version_id] = f.VersionShape(
                modules={position: frozenset(ids) for position, ids in modules.items()},
                final_quiz_id=final_quiz,
            )
    return shapes


def _among(column, whole_range: bool):
    """`column IN :ids`, or, when the ids are every id from the first to the last (a rebuild's
    batches), `column BETWEEN :first AND :last`: a short statement instead of thousands of
    parameters. See _ids for the parameters."""
    if whole_range:
        return column.between(sa.bindparam("first"), sa.bindparam("last"))
    return column.in_(sa.bindparam("ids", expanding=True))


def _ids(ids: list[int], whole_range: bool) -> dict:
    return {"first": ids[0], "last": ids[-1]} if whole_range else {"ids": ids}


@built_once
def _enrolment_statements(whole_range: bool) -> tuple[sa.Select, ...]:
    """What enrolment_facts reads: enrolments, steps done, best scores, certificates."""
    return (
        sa.select(
            Enrolment.id,
            Enrolment.version_id,
            Enrolment.territory_id,
            Enrolment.profession_id,
            Enrolment.course_id,
            Enrolment.enrolled_at,
            Enrolment.completed_at,
        ).where(_among(Enrolment.id, whole_range)),
        sa.select(
            StepCompletion.enrolment_id, StepCompletion.step_id, StepCompletion.completed_at
        ).where(_among(StepCompletion.enrolment_id, whole_range)),
        sa.select(
            QuizAttempt.enrolment_id,
            sa.func.max(QuizAttempt.score),
            sa.func.max(QuizAttempt.submitted_at),
        )
        .where(
            _among(QuizAttempt.enrolment_id, whole_range),
            QuizAttempt.submitted_at.is_not(None),
        )
        .group_by(QuizAttempt.enrolment_id, QuizAttempt.step_id),
        sa.select(
            Certificate.enrolment_id,
            Certificate.issued_at,
            Certificate.expires_on,
            Certificate.revoked_at,
        ).where(_among(Certificate.enrolment_id, whole_range)),
    )


def enrolment_facts(
    enrolment_ids: Iterable[int], *, whole_range: bool = False
) -> dict[int, f.EnrolmentFacts]:
    """The facts of these enrolments, read in four queries whatever their number (the
    versions' shapes come from their outlines)."""
    ids = sorted(set(enrolment_ids))
    if not ids:
        return {}
    parameters = _ids(ids, whole_range)
    read_enrolments, read_done, read_scores, read_certificates = _enrolment_statements(whole_range)
    enrolments = db.session.execute(read_enrolments, parameters).all()
    done: dict[int, dict] = defaultdict(dict)
    for enrolment_id, step_id, completed_at in db.session.execute(read_done, parameters):
        done[enrolment_id][step_id] = completed_at
    scores: dict[int, list[int]] = defaultdict(list)
    last_submission: dict[int, datetime] = {}
    for enrolment_id, best, last in db.session.execute(read_scores, parameters):
        scores[enrolment_id].append(best)
        previous = last_submission.get(enrolment_id)
        if previous is None or as_aware(last) > as_aware(previous):
            last_submission[enrolment_id] = last
    certificates = {
        row.enrolment_id: row for row in db.session.execute(read_certificates, parameters)
    }
    shapes = version_shapes({row.version_id for row in enrolments})
    result = {}
    for row in enrolments:
        certificate = certificates.get(row.id)
        record = f.EnrolmentRecord(
            territory_id=row.territory_id,
            profession_id=row.profession_id,
            course_id=row.course_id,
            enrolled_at=row.enrolled_at,
            completed_at=row.completed_at,
            done=done.get(row.id, {}),
            best_scores=tuple(sorted(scores.get(row.id, ()))),
            last_submission_at=last_submission.get(row.id),
            issued_at=certificate.issued_at if certificate else None,
            expires_on=certificate.expires_on if certificate else None,
            revoked_at=certificate.revoked_at if certificate else None,
        )
        shape = shapes.get(row.version_id, f.VersionShape(modules={}, final_quiz_id=None))
        result[row.id] = f.enrolment_facts(record, shape)
    return result


def account_facts(
    user_ids: Iterable[int], *, whole_range: bool = False
) -> dict[int, f.AccountFacts]:
    """Confirmed learner accounts only: staff accounts are not professionals in training."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(_account_statement(whole_range), _ids(ids, whole_range))
    return {
        row.id: f.AccountFacts(
            month=f.month_of(row.email_confirmed_at),
            territory_id=row.territory_id,
            profession_id=row.profession_id,
        )
        for row in rows
    }


@built_once
def _account_statement(whole_range: bool) -> sa.Select:
    return sa.select(User.id, User.email_confirmed_at, User.territory_id, User.profession_id).where(
        _among(User.id, whole_range),
        User.role == Role.LEARNER.value,
        User.email_confirmed_at.is_not(None),
    )


# --- writing the summary --------------------------------------------------------------------


def _rows_by_table(amounts: dict) -> dict[str, dict[tuple, dict[str, int]]]:
    rows: dict[str, dict[tuple, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for ((table, *key), counter), amount in amounts.items():
        rows[table][tuple(key)][counter] = amount
    return rows


def _key_names(table: sa.Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]


def add_to_summary(amounts: dict) -> None:
    """Add signed amounts to summary rows, creating the rows that do not exist yet.

    A row with a negative amount was counted before, so it exists and is updated; the others
    are upserted in one statement per table (SQLite checks constraints on the row it would
    insert, even when the conflict turns the insert into an update).
    """
    by_table = _rows_by_table(amounts)
    for model in SUMMARY_MODELS:
        name = model.__tablename__
        if name not in by_table:
            continue
        table = TABLES[name]
        keys = _key_names(table)
        counters = [c.name for c in table.columns if c.name not in keys]
        additions = []
        for key, row in sorted(by_table[name].items()):
            if min(row.values()) >= 0:
                additions.append({**dict(zip(keys, key, strict=True)), **row})
                continue
            db.session.execute(
                sa.update(table)
                .where(*(table.c[k] == value for k, value in zip(keys, key, strict=True)))
                .values({c: table.c[c] + amount for c, amount in row.items()})
            )
        if additions:
            values = [{c: row.get(c, 0) for c in keys + counters} for row in additions]
            statement = insert_with_conflicts(table).values(values)
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={c: table.c[c] + statement.excluded[c] for c in counters},
            )
            db.session.execute(statement)


def _refresh(subject: str, ids: set[int], compute, contributions, decode) -> None:
    """Apply what changed in these subjects' facts since they were stored; those whose facts
    did not change (a quiz failed again the same day, a lesson read twice) write nothing."""
    ids_list = sorted(ids)
    stored = dict(db.session.execute(_stored_facts(), {"subject": subject, "ids": ids_list}).all())
    current = compute(ids_list)
    rows = {row["subject_id"]: row for row in _facts_rows(subject, current)}
    changed = [i for i in ids_list if stored.get(i) != (rows[i]["facts"] if i in rows else None)]
    if not changed:
        return
    amounts: dict = defaultdict(int)
    for subject_id in changed:
        old = decode(stored[subject_id]) if subject_id in stored else None
        for key, amount in f.difference(
            contributions(current.get(subject_id)), contributions(old)
        ).items():
            amounts[key] += amount
    add_to_summary({key: amount for key, amount in amounts.items() if amount})
    gone = [i for i in changed if i not in rows]
    if gone:
        db.session.execute(
            sa.delete(SummaryFacts).where(
                SummaryFacts.subject == subject, SummaryFacts.subject_id.in_(gone)
            )
        )
    written = [rows[i] for i in changed if i in rows]
    if written:
        statement = insert_with_conflicts(SummaryFacts.__table__).values(written)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["subject", "subject_id"],
                set_={"facts": statement.excluded.facts},
            )
        )


@built_once
def _stored_facts() -> sa.Select:
    return sa.select(SummaryFacts.subject_id, SummaryFacts.facts).where(
        SummaryFacts.subject == sa.bindparam("subject"),
        SummaryFacts.subject_id.in_(sa.bindparam("ids", expanding=True)),
    )


def _facts_rows(subject: str, facts_by_id: dict) -> list[dict]:
    return [
        {"subject": subject, "subject_id": subject_id, "facts": facts.to_json()}
        for subject_id, facts in sorted(facts_by_id.items())
    ]


def refresh_enrolments(enrolment_ids: set[int]) -> None:
    """Bring the summary up to date with these enrolments as they are now (idempotent)."""
    _refresh(
        ENROLMENT,
        enrolment_ids,
        enrolment_facts,
        f.enrolment_contributions,
        f.EnrolmentFacts.from_json,
    )


def refresh_accounts(user_ids: set[int]) -> None:
    _refresh(ACCOUNT, user_ids, account_facts, f.account_contributions, f.AccountFacts.from_json)


@sa.event.listens_for(Session, "before_commit")
def _update_summary_before_commit(session: Session) -> None:
    enrolments = session.info.pop(CHANGED_ENROLMENTS, None)
    accounts = session.info.pop(CHANGED_ACCOUNTS, None)
    if enrolments:
        session.flush()
        refresh_enrolments(enrolments)
    if accounts:
        session.flush()
        refresh_accounts(accounts)


# --- recomputing everything -----------------------------------------------------------------


def _batches(statement, size: int) -> Iterator[list[int]]:
    """Ids in ascending batches, read by keyset so that huge tables are never loaded whole."""
    last = 0
    column = statement.selected_columns[0]
    while True:
        ids = list(db.session.scalars(statement.where(column > last).order_by(column).limit(size)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def recomputed_summary(batch_size: int = 5000, on_batch=None) -> dict:
    """Every summary amount, recomputed from the raw data: ((table, *key), counter) -> amount.

    `on_batch(rows)`, if given, receives each batch's facts rows, for `rebuild` to store.
    """
    amounts: dict = defaultdict(int)
    for subject, statement, compute, contributions in (
        (ENROLMENT, sa.select(Enrolment.id), enrolment_facts, f.enrolment_contributions),
        (ACCOUNT, sa.select(User.id), account_facts, f.account_contributions),
    ):
        for ids in _batches(statement, batch_size):
            batch = compute(ids, whole_range=True)
            for facts in batch.values():
                for key, amount in contributions(facts).items():
                    amounts[key] += amount
            if on_batch is not None and batch:
                on_batch(_facts_rows(subject, batch))
    return {key: amount for key, amount in amounts.items() if amount}


def stored_summary() -> dict:
    """The summary as stored, in the shape of `recomputed_summary` (zero counters left out)."""
    amounts = {}
    for model in SUMMARY_MODELS:
        table = model.__table__
        keys = _key_names(table)
        for row in db.session.execute(sa.select(table)).mappings():
            for column in table.columns:
                if column.name not in keys and row[column.name]:
                    key = (table.name, *(row[k] for k in keys))
                    amounts[(key, column.name)] = row[column.name]
    return amounts


def rebuild(batch_size: int = 5000) -> dict[str, int]:
    """Empty the summary and recompute it from the raw data; returns rows written per table."""
    db.session.execute(sa.delete(SummaryFacts))
    for model in SUMMARY_MODELS:
        db.session.execute(sa.delete(model))
    amounts = recomputed_summary(
        batch_size, lambda rows: db.session.execute(sa.insert(SummaryFacts.__table__), rows)
    )
    written = {}
    for name, rows in _rows_by_table(amounts).items():
        table = TABLES[name]
        keys = _key_names(table)
        counters = [c.name for c in table.columns if c.name not in keys]
        values = [
            {**dict(zip(keys, key, strict=True)), **{c: row.get(c, 0) for c in counters}}
            for key, row in rows.items()
        ]
        for start in range(0, len(values), batch_size):
            db.session.execute(sa.insert(table), values[start : start + batch_size])
        written[name] = len(values)
    return written
