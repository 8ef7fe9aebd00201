"""The Celery app, built from settings. At-least-once delivery made safe by idempotent units:

- ``task_acks_late``: a message is acknowledged after its unit finishes, so a worker that dies mid-unit
  leaves it to be delivered again (``task_reject_on_worker_lost`` requeues it at once when a pool child dies);
- the broker's visibility timeout (``ADLOOM_VISIBILITY_TIMEOUT``) must be longer than the longest unit, or
  a slow unit is handed to a second worker while the first still runs (harmless, but paid twice);
- one message reserved per worker process at a time (prefetch 1), so a long unit never holds a queue of
  others hostage;
- JSON only: a payload is data, never code (no pickle);
- no result backend: a unit's result is stored with its concept, in the store, where the driver reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adloom.settings import Settings

if TYPE_CHECKING:
    from celery import Celery

__all__ = ["CONCEPT_TASK", "EXPORT_TASK", "QUEUES", "RENDER_TASK", "celery_app"]

CONCEPT_TASK = "adloom.concept_unit"
RENDER_TASK = "adloom.render_unit"
EXPORT_TASK = "adloom.export_unit"
# concept units and the export on one queue, rendering on its own: a worker pool may serve either or both
QUEUES = {CONCEPT_TASK: "adloom.concepts", EXPORT_TASK: "adloom.concepts", RENDER_TASK: "adloom.render"}


def celery_app(settings: Settings) -> Celery:
    from celery import Celery

    app = Celery("adloom", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_ignore_result=True, task_store_errors_even_if_ignored=False,
        task_routes={name: {"queue": queue} for name, queue in QUEUES.items()},
        task_default_queue=QUEUES[CONCEPT_TASK],
        broker_transport_options={"visibility_timeout": settings.visibility_timeout},
        broker_connection_retry_on_startup=True, broker_connection_max_retries=None,
        # a publish while Redis restarts waits for it (up to ~a minute) instead of failing the run
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 30, "interval_start": 0.5, "interval_step": 0.5,
                                   "interval_max": 3.0},
        worker_hijack_root_logger=False, worker_redirect_stdouts=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_send_task_events=False, task_send_sent_event=False,
    )
    return app
