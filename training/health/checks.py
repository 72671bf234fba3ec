"""Readiness checks: does each server the application needs answer, within a deadline."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as DeadlinePassed

import redis
import sqlalchemy as sa

log = logging.getLogger(__name__)

#: Seconds each check has to answer; past them, it has failed.
TIMEOUT_SECONDS = 1.0

OK = "ok"
FAILED = "failed"
TIMED_OUT = "timeout"

#: The checks run in these threads, so that one hanging on a server that drops packets is
#: abandoned at the deadline; a few threads, so that hanging checks cannot pile up: the next
#: ones wait their turn, are cancelled at their own deadline, and fail.
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness-check")


def check_database(engine: sa.Engine) -> None:
    """`SELECT 1` on a connection from the pool (pre-pinged, so a stale one is replaced)."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def check_redis(url: str) -> None:
    """PING, on a connection of its own that gives up after TIMEOUT_SECONDS."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def run_checks(
    checks: dict[str, Callable[[], object]], timeout: float | None = None
) -> dict[str, str]:
    """Each check's status, OK, FAILED (it raised) or TIMED_OUT; run side by side, all
    within one deadline. Why a check failed goes to the log, never into the answer."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + timeout
    running = {name: _executor.submit(check) for name, check in checks.items()}
    statuses = {}
    for name, future in running.items():
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
        except DeadlinePassed:
            future.cancel()
            log.warning("Readiness check %r: no answer within %s s", name, timeout)
            statuses[name] = TIMED_OUT
        except Exception:  # any failure of the server, its driver or the network
            log.warning("Readiness check %r failed", name, exc_info=True)
            statuses[name] = FAILED
        else:
            statuses[name] = OK
    return statuses
