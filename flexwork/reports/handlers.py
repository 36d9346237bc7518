"""Outbox handlers of the reports app (registered when the app is ready)."""

from flexwork.outbox import registry


@registry.register("reports.run")
def report_run_handler(payload: dict) -> None:
    """Hand the run to the reports queue. Raises when the broker is down, so the outbox keeps the
    row and the relay tries again: a run asked for during a Redis outage starts once it is back."""
    from flexwork.reports.tasks import report_run_execute_task

    report_run_execute_task.apply_async(args=[payload["run_id"]], retry=False)
