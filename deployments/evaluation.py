"""The two deployments: the daily schedule and a manual rerun.

Both run the same flow; the manual one has no schedule and is what a person
triggers from the Prefect UI with parameters (a date, some accounts, a dry
run). Serving them with a limit of one keeps evaluations from overlapping,
which would let two runs alert sales about the same PQA.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.daily_evaluation import daily_evaluation
from pqa.config import Config

DAILY = "daily"
MANUAL = "manual-rerun"
TAGS = ["product-led-sales"]


def build_deployments(config: Config, config_path: Path) -> list[RunnerDeployment]:
    """The daily and manual-rerun deployments for this configuration."""
    parameters = {"config_path": str(config_path.resolve())}
    schedule = config.schedule
    daily = daily_evaluation.to_deployment(
        name=DAILY,
        schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
        parameters=parameters,
        concurrency_limit=1,
        description=(
            f"Evaluates every account at {schedule.cron} ({schedule.timezone}) "
            "and routes it to its play."
        ),
        tags=TAGS,
    )
    manual = daily_evaluation.to_deployment(
        name=MANUAL,
        parameters=parameters,
        concurrency_limit=1,
        description=(
            "Rerun by hand: pick as_of, some account_ids or dry_run. A rerun "
            "never alerts sales twice about the same PQA."
        ),
        tags=TAGS,
    )
    # to_deployment also serves async callers; here it returns the deployment.
    return [cast(RunnerDeployment, daily), cast(RunnerDeployment, manual)]


def serve_deployments(config: Config, config_path: Path) -> None:
    """Serve both deployments to the server in PREFECT_API_URL, one run at a time."""
    serve(*build_deployments(config, config_path), limit=1)
