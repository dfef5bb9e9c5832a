"""The deployments: schedule and limits as configured, and a served manual
rerun that runs the flow with the parameters given to it."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.runner import Runner

from deployments.evaluation import DAILY, MANUAL, build_deployments
from pqa.config import load_config
from tests.flows.conftest import (
    contact_row,
    count_rows,
    hot_signals,
    idle_signals,
    write_contacts,
    write_flow_config,
    write_signals,
)

DAY = date(2026, 12, 3)


def test_build_deployments_daily_schedule_follows_config(tmp_path: Path) -> None:
    path = Path(
        write_flow_config(
            tmp_path, schedule={"cron": "30 7 * * 1-5", "timezone": "Europe/Paris"}
        )
    )

    daily, manual = build_deployments(load_config(path), path)

    assert daily.name == DAILY
    assert manual.name == MANUAL
    [schedule] = daily.schedules
    assert schedule.schedule.cron == "30 7 * * 1-5"
    assert schedule.schedule.timezone == "Europe/Paris"
    assert not manual.schedules
    for deployment in (daily, manual):
        assert deployment.concurrency_limit == 1
        assert deployment.parameters == {"config_path": str(path.resolve())}


def test_build_deployments_parameters_have_descriptions(tmp_path: Path) -> None:
    path = Path(write_flow_config(tmp_path))

    _, manual = build_deployments(load_config(path), path)

    properties = manual._parameter_openapi_schema.properties
    assert set(properties) == {"as_of", "account_ids", "dry_run", "config_path"}
    for name in ("as_of", "account_ids", "dry_run"):
        assert properties[name]["description"]


def test_manual_rerun_served_runs_with_its_parameters(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    write_signals(warehouse, [hot_signals("a1", DAY), idle_signals("a2", DAY)])
    write_contacts(warehouse, [contact_row("a1", 1), contact_row("a2", 1)])
    path = Path(write_flow_config(tmp_path))
    daily, manual = build_deployments(load_config(path), path)
    runner = Runner(limit=1)
    runner.add_deployment(daily)
    runner.add_deployment(manual)

    flow_run = run_deployment(
        f"daily-evaluation/{MANUAL}",
        parameters={"as_of": "2026-12-01", "account_ids": ["a1"]},
        timeout=0,
        as_subflow=False,
    )
    asyncio.run(runner.start(run_once=True))

    with get_client(sync_client=True) as client:
        finished = client.read_flow_run(flow_run.id)
    assert finished.state is not None and finished.state.is_completed()
    assert finished.name == "evaluate 2026-12-01"
    with warehouse.connect() as conn:
        runs = conn.execute(sa.text("SELECT as_of, evaluated FROM pqa_runs")).all()
    assert [(str(as_of)[:10], evaluated) for as_of, evaluated in runs] == [
        ("2026-12-01", 1)
    ]
    assert count_rows(warehouse, "pqa_outbox", "channel = 'slack'") == 1
