"""`flask jobs worker`: runs the queued jobs, in the application's context."""

import click
from rq import SimpleWorker

from training.jobs import bp
from training.jobs.queue import job_queue


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
def worker(burst: bool) -> None:
    """Run the queued jobs (mail) until stopped.

    SimpleWorker runs each job in this process, where the application's context (settings,
    templates) is already set up; jobs are short and carry their own timeout.
    """
    queue = job_queue()
    if queue is None:
        click.echo(
            "REDIS_URL n'est pas défini : pas de file d'attente, les courriels partent pendant"
            " la requête."
        )
        return
    click.echo(f"File « {queue.name} » : en attente des tâches.")
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
