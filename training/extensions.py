"""Flask extensions, created unbound here and bound to the app in create_app()."""

import functools
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

#: Named constraints, so that SQLite batch migrations can alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def built_once(build: Callable[..., Any]) -> Callable[..., Any]:
    """The statement `build` returns, built on first use (per arguments, if it takes a few
    flags) and then reused, with bind parameters (`sa.bindparam`) for what varies between
    executions.

    For the queries of the pages learners ask most: SQLAlchemy takes longer to build a
    statement and its cache key (0.3 to 0.8 ms for a join with loader options) than PostgreSQL
    takes to run it, and a reused statement keeps its cache key. Built lazily rather than at
    import, so that every mapper is configured first."""
    return functools.cache(build)


def insert_with_conflicts(table):
    """An INSERT into `table` (a Table or a model) that can say ON CONFLICT: PostgreSQL's or
    SQLite's, whichever the session is bound to."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """Make SQLite enforce foreign keys and let SQLAlchemy drive its transactions.

    pysqlite otherwise starts transactions lazily on its own, which breaks SAVEPOINT
    (used by the per-test rollback) and `SELECT ... FOR UPDATE`-style sequences.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
