"""Outbox handlers of the onboarding app (registered when the app is ready)."""

from flexwork.outbox import registry


@registry.register("onboarding.import")
def import_job_handler(payload: dict) -> None:
    """Hand an import step to a worker. Raises when the broker is down, so the outbox keeps the row
    and the relay tries again: an upload during a Redis outage is checked once it is back."""
    from flexwork.onboarding import tasks

    task = tasks.import_confirm_task if payload.get("step") == "confirm" else tasks.import_preview_task
    task.apply_async(args=[payload["batch_id"]], retry=False)
