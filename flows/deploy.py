"""The nightly consolidation as a served Prefect deployment, operated properly.

- **One run at a time**: the deployment's concurrency limit is 1 (a second trigger
  waits its turn: ``ENQUEUE``), on top of the outputs lock.
- **Retries and a timeout**: a failed nightly run is retried (a share that was not
  mounted yet at 01:00) and a stuck one is failed after ``TIMEOUT_SECONDS``.
- **Runs that lose their process end Crashed**: the flow records each run it starts;
  at start-up ``serve`` looks for runs whose process died (``kill -9``, a power cut,
  a reboot) and sets them ``Crashed`` (``flows.consolidate.mark_crashed_runs``).
- **Notification on failure** (``--notify URL``): a webhook block and an automation
  on the server: every Failed, TimedOut or Crashed run of the flow is POSTed to URL.
- Stopping ``serve`` pauses the schedule (Prefect's ``pause_on_shutdown``); the next
  ``serve`` unpauses it.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from uuid import UUID

from prefect import get_client
from prefect.automations import Automation
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.schemas.objects import (
    ConcurrencyLimitConfig,
    ConcurrencyLimitStrategy,
)
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.schedules import Cron

from flows.consolidate import FLOW_NAME, flow_with_runner, mark_crashed_runs
from parindex import messages

DEPLOYMENT_NAME = "nightly"
DEFAULT_CRON = "0 1 * * *"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
RETRIES = 2
RETRY_DELAY_SECONDS = 600
NOTIFY_BLOCK = "parindex-thong-bao"
NOTIFY_AUTOMATION = "parindex-thong-bao-khi-loi"
FAILED_EVENTS = {
    "prefect.flow-run.Failed",
    "prefect.flow-run.TimedOut",
    "prefect.flow-run.Crashed",
}

logger = logging.getLogger("parindex.serve")


def configure_notification(url: str | None) -> None:
    """Make the server notify ``url`` of every failed or crashed run of the flow
    (a webhook block and an automation, replaced on every start); ``None`` removes
    them."""
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name(FLOW_NAME)
        for existing in client.read_automations_by_name(NOTIFY_AUTOMATION):
            client.delete_automation(existing.id)
    if url is None:
        return
    block = CustomWebhookNotificationBlock(  # type: ignore[call-arg]
        name="parindex",
        url=url,
        method="POST",
        json_data={"subject": "{{subject}}", "body": "{{body}}"},
        timeout=30,
    )
    block_id: UUID = block.save(NOTIFY_BLOCK, overwrite=True)  # type: ignore[assignment]
    Automation(
        name=NOTIFY_AUTOMATION,
        description=messages.NOTIFY_DESCRIPTION,
        trigger=EventTrigger(
            expect=FAILED_EVENTS,
            match_related={"prefect.resource.id": f"prefect.flow.{flow_id}"},
            posture=Posture.Reactive,
            threshold=1,
            within=dt.timedelta(0),
        ),
        actions=[
            SendNotification(
                block_document_id=block_id,
                subject=messages.NOTIFY_SUBJECT,
                body=messages.NOTIFY_BODY,
            )
        ],
    ).create()


def serve_nightly(
    inputs: Path,
    outputs: Path,
    *,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    year: int | None = None,
    settle_seconds: float = 60.0,
    runner: str = "thread",
    workers: int | None = None,
    dask_address: str | None = None,
    notify: str | None = None,
    retries: int = RETRIES,
    retry_delay_seconds: int = RETRY_DELAY_SECONDS,
) -> None:
    """Serve the consolidation on a cron schedule until interrupted.

    The process registers the deployment with the Prefect API the environment
    points to (``PREFECT_API_URL``) and runs the scheduled and manual runs itself.
    """
    outputs = outputs.resolve()
    for line in mark_crashed_runs(outputs):
        logger.warning(line)
    configure_notification(notify)
    flow = flow_with_runner(runner, workers=workers, dask_address=dask_address)
    flow.with_options(retries=retries, retry_delay_seconds=retry_delay_seconds).serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={
            "inputs": str(inputs.resolve()),
            "outputs": str(outputs),
            "year": year,
            "settle_seconds": settle_seconds,
        },
        description="Tổng hợp Chỉ số CCHC hằng đêm từ thư mục nộp bài.",
        global_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
        pause_on_shutdown=True,
    )
