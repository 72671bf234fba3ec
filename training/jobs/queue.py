"""Putting a job on the queue."""

import logging
from collections.abc import Callable

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

log = logging.getLogger(__name__)

#: A mail server down for a few minutes or an hour delays a message, it does not lose it.
RETRY = Retry(max=5, interval=[30, 120, 600, 1800, 3600])
#: A failed job keeps what it carried (an e-mail with a link) for a week, for an operator to
#: requeue (`rq requeue --all`), then Redis forgets it.
FAILURE_TTL = 7 * 24 * 3600
JOB_TIMEOUT = 60


def job_queue() -> Queue | None:
    """The application's queue, or None when REDIS_URL is not set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    connection = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return Queue(current_app.config["JOBS_QUEUE"], connection=connection)


def enqueue(func: Callable, *args) -> bool:
    """Queue `func(*args)` for the worker, with retries; False when there is no queue to take
    it (no REDIS_URL, or Redis does not answer: logged), and the caller does the work itself."""
    queue = job_queue()
    if queue is None:
        return False
    try:
        queue.enqueue_call(
            func,
            args=args,
            retry=RETRY,
            timeout=JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=FAILURE_TTL,
        )
    except RedisError:
        log.warning("Redis does not answer: %s runs in the request", func.__qualname__)
        return False
    return True
