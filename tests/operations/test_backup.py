"""The backup procedure of docs/sauvegardes.md works: a populated database dumped with
`pg_dump -Fc` and restored with `pg_restore` into a new database holds the same rows."""

import os
import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from training.extensions import db

pytestmark = pytest.mark.postgresql_only


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and an MD5 of its rows in primary-key order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            fingerprints = {}
            for table in tables:
                quoted = connection.dialect.identifier_preparer.quote(table)
                # A table name from the database's own catalogue, quoted.
                query = (
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                )
                row = connection.execute(sa.text(f"{query} FROM {quoted} AS t")).one()  # noqa: S608
                fingerprints[table] = (row[0], row[1])
            return fingerprints
    finally:
        engine.dispose()


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing (postgresql-client)", pytrace=False)
        pytest.skip(f"{name} is missing: install postgresql-client")
    return found


def test_a_dump_restored_into_a_new_database_holds_the_same_rows(
    app, database_url, login_as, example_course, tmp_path
):
    client = login_as(full_name="Inès Leroy")
    earn_certificate(app, client)
    with app.app_context():
        db.session.commit()
    source = sa.make_url(database_url)
    dump = tmp_path / "formation.dump"
    libpq = {"PGHOST": source.host, "PGPORT": str(source.port or 5432), "PGUSER": source.username}
    env = {**os.environ, **{key: value for key, value in libpq.items() if value}}
    if source.password:
        env["PGPASSWORD"] = source.password
    copy = f"restore_test_{uuid.uuid4().hex[:12]}"

    subprocess.run(
        [tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), source.database],
        env=env, check=True, timeout=120,
    )  # fmt: skip
    subprocess.run([tool("createdb"), copy], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            [tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", copy, str(dump)],
            env=env, check=True, timeout=120,
        )  # fmt: skip
        restored = table_fingerprints(source.set(database=copy).render_as_string(False))
    finally:
        subprocess.run([tool("dropdb"), "--force", copy], env=env, check=True, timeout=60)

    original = table_fingerprints(database_url)
    assert restored == original
    assert original["certificates"][0] == 1
    assert original["alembic_version"][0] == 1
