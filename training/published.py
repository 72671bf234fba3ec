"""What a published version fixes for ever, read once per process.

A published version never changes: its title, summary and audiences, its modules and steps, and
its quizzes' questions, choices and right answers, are fixed at import (`flask courses rerender`
rewrites HTML only, which nothing kept here holds). So such data can be kept, as plain frozen
data detached from any database session, in a cache of the application, keyed by the row id it
was read for. Row ids are never reused in production (PostgreSQL sequences, no version is ever
deleted); the tests, whose rolled-back transactions do reuse them, empty every cache after each
test.

Each process keeps its own copy, and nothing here is ever invalidated, so several hosts can
serve the same site: what they keep cannot differ.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

#: Entries kept per kind of data; the kind's whole cache is dropped when it is full (versions
#: and quizzes are few: a few hundred a year).
MAX_ENTRIES = 256
_PREFIX = "published."

T = TypeVar("T")


def kept(kind: str, key: int, load: Callable[[int], T]) -> T:
    """`load(key)`, read once per process and kind of data."""
    cache: dict[int, T] = current_app.extensions.setdefault(_PREFIX + kind, {})
    value = cache.get(key)
    if value is None:
        value = load(key)
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        cache[key] = value
    return value


def forget_everything(app: Flask) -> None:
    """Empty every cache (tests, whose rolled-back rows give their ids to other versions)."""
    for name in [name for name in app.extensions if name.startswith(_PREFIX)]:
        del app.extensions[name]
