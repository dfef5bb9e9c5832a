"""The daily evaluation flow end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pandas as pd
import pytest
import sqlalchemy as sa
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
)
from prefect.events.filters import EventFilter, EventNameFilter
from prefect.states import State

from connectors.demo_warehouse import seed_demo_warehouse
from connectors.warehouse import read_outbox
from flows.daily_evaluation import daily_evaluation
from pqa.scoring import DISPOSITIONS
from tests.flows.conftest import (
    busy_off_profile_signals,
    contact_row,
    count_rows,
    fit_only_signals,
    hot_signals,
    idle_signals,
    write_contacts,
    write_flow_config,
    write_signals,
)

AS_OF = date(2026, 12, 3)
DEMO_ACCOUNTS = 300
PRODUCT_TABLES = (
    "pqa_outbox",
    "pqa_records",
    "pqa_lifecycle_moments",
    "pqa_account_state",
    "pqa_runs",
    "pqa_sales_feedback",
)
EVENT_WAIT_S = 60


@pytest.fixture
def demo(warehouse: sa.Engine) -> sa.Engine:
    """The warehouse seeded with a few hundred demo accounts."""
    seed_demo_warehouse(warehouse, accounts=DEMO_ACCOUNTS, seed=7, as_of=AS_OF)
    return warehouse


def _evaluate(config: str, **parameters: Any) -> tuple[dict[str, Any], UUID]:
    """Run the flow as of AS_OF; return its summary and its flow run id."""
    state: State = daily_evaluation(
        as_of=AS_OF, config_path=config, return_state=True, **parameters
    )
    assert state.is_completed(), state
    return state.result(), state.state_details.flow_run_id


def _row_counts(engine: sa.Engine) -> dict[str, int]:
    return {table: count_rows(engine, table) for table in PRODUCT_TABLES}


def _comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """What two evaluations of the same data must agree on."""
    alerts = sorted(summary["alerts"], key=lambda a: a["account_id"])
    ignored = {"run_id", "dry_run", "alerts_sent", "alerts"}
    kept = {key: value for key, value in summary.items() if key not in ignored}
    return {**kept, "alerts": [(a["account_id"], a["text"]) for a in alerts]}


def test_daily_evaluation_demo_reports_every_disposition(
    demo: sa.Engine, flow_config: str
) -> None:
    summary, _ = _evaluate(flow_config)

    assert summary["evaluated"] == DEMO_ACCOUNTS
    assert all(summary["dispositions"][d] > 0 for d in DISPOSITIONS)
    assert sum(summary["dispositions"].values()) == DEMO_ACCOUNTS
    assert summary["new_pqas"] >= 1
    assert summary["alerts_sent"] == summary["new_pqas"] == len(summary["alerts"])
    assert summary["activation_messages"] > 0
    assert summary["lifecycle_moments"] > 0
    assert summary["failures"] == 0 and summary["failed"] == []
    slack = read_outbox(demo, channel="slack")
    assert sorted(slack["account_id"]) == sorted(
        a["account_id"] for a in summary["alerts"]
    )
    assert set(slack["run_id"]) == {summary["run_id"]}
    for channel in ("crm", "analytics"):
        assert len(read_outbox(demo, channel=channel)) == summary["new_pqas"]
    assert count_rows(demo, "pqa_records") == summary["new_pqas"]
    in_app = read_outbox(demo, channel="in_app")
    assert len(in_app) == summary["activation_messages"]
    assert in_app["contact_id"].notna().all()
    moments = count_rows(demo, "pqa_lifecycle_moments")
    assert moments == summary["lifecycle_moments"]


def test_daily_evaluation_rerun_same_day_sends_no_second_alert(
    demo: sa.Engine, flow_config: str
) -> None:
    first, _ = _evaluate(flow_config)
    slack_before = len(read_outbox(demo, channel="slack"))

    second, _ = _evaluate(flow_config)

    assert first["alerts_sent"] >= 1
    assert second["alerts_sent"] == 0 and second["new_pqas"] == 0
    assert second["alerts"] == []
    assert second["suppressed"]["pqa_cooldown"] == first["new_pqas"]
    assert second["activation_messages"] == 0
    assert len(read_outbox(demo, channel="slack")) == slack_before
    assert count_rows(demo, "pqa_records") == first["new_pqas"]
    assert second["dispositions"] == first["dispositions"]


def test_daily_evaluation_dry_run_writes_nothing(
    demo: sa.Engine, flow_config: str, tmp_path: Path
) -> None:
    before = _row_counts(demo)

    summary, _ = _evaluate(flow_config, dry_run=True)

    assert _row_counts(demo) == before
    assert summary["dry_run"] is True
    assert summary["evaluated"] == DEMO_ACCOUNTS
    assert all(summary["dispositions"][d] > 0 for d in DISPOSITIONS)
    assert summary["new_pqas"] >= 1 and summary["alerts_sent"] == 0
    assert not list((tmp_path / "home").rglob("*.parquet"))


def test_daily_evaluation_dry_run_then_real_run_alerts(
    demo: sa.Engine, flow_config: str
) -> None:
    dry, _ = _evaluate(flow_config, dry_run=True)

    real, _ = _evaluate(flow_config)

    assert real["alerts_sent"] == dry["new_pqas"] >= 1
    assert _comparable(real) == _comparable(dry)


def test_daily_evaluation_subset_evaluates_only_those_accounts(
    demo: sa.Engine, flow_config: str
) -> None:
    chosen = ["acc-000003", "acc-000150", "acc-000299", "acc-999999"]

    summary, _ = _evaluate(flow_config, account_ids=chosen)

    assert summary["evaluated"] == 3
    touched = set(read_outbox(demo)["account_id"])
    with demo.connect() as conn:
        for table in ("pqa_lifecycle_moments", "pqa_account_state"):
            rows = conn.execute(sa.text(f"SELECT account_id FROM {table}"))
            touched |= {row[0] for row in rows}
    assert touched and touched <= set(chosen)


def test_daily_evaluation_empty_subset_evaluates_nothing(
    demo: sa.Engine, flow_config: str
) -> None:
    summary, _ = _evaluate(flow_config, account_ids=["acc-999999"])

    assert summary["evaluated"] == 0
    assert summary["new_pqas"] == 0 and summary["failures"] == 0
    assert count_rows(demo, "pqa_outbox") == 0


def test_daily_evaluation_publishes_summary_artifacts(
    demo: sa.Engine, flow_config: str
) -> None:
    summary, flow_run_id = _evaluate(flow_config)

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
            )
        )
    by_key = {artifact.key: artifact for artifact in artifacts}
    assert by_key["pqa-evaluation-summary"].type == "table"
    assert by_key["pqa-new-pqas"].type == "markdown"
    table = by_key["pqa-evaluation-summary"].data
    counts = {row["measure"]: row["count"] for row in _table_rows(table)}
    assert counts["accounts evaluated"] == DEMO_ACCOUNTS
    assert counts["new PQAs"] == summary["new_pqas"]
    markdown = by_key["pqa-new-pqas"].data
    assert all(a["name"] in markdown for a in summary["alerts"])


def _table_rows(data: Any) -> list[dict[str, Any]]:
    # The server keeps a table artifact as JSON text of its rows.
    return json.loads(data) if isinstance(data, str) else data


def test_daily_evaluation_names_its_flow_and_task_runs(
    demo: sa.Engine, tmp_path: Path
) -> None:
    config = write_flow_config(tmp_path, warehouse={"batch_size": 150})

    _, flow_run_id = _evaluate(config)

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        subflows = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])
            )
        )
    assert flow_run.name == "evaluate 2026-12-03"
    names = {task_run.name for task_run in task_runs}
    assert {"score batch 1/2", "score batch 2/2"} <= names
    assert not any(name.startswith("score batch 3") for name in names)
    assert len(subflows) == len(DISPOSITIONS)


def test_daily_evaluation_small_batches_match_one_batch(
    demo: sa.Engine, tmp_path: Path
) -> None:
    one_batch = write_flow_config(tmp_path)
    small = write_flow_config(tmp_path, warehouse={"batch_size": 70})
    whole, _ = _evaluate(one_batch, dry_run=True)

    batched, flow_run_id = _evaluate(small)

    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    scored = sorted(t.name for t in task_runs if t.name.startswith("score batch"))
    assert scored == [f"score batch {n}/5" for n in range(1, 6)]
    assert _comparable(batched) == _comparable(whole)
    assert batched["alerts_sent"] == whole["new_pqas"]


def test_daily_evaluation_emits_an_event_per_new_pqa(
    demo: sa.Engine, flow_config: str
) -> None:
    summary, _ = _evaluate(flow_config)

    expected = {f"pqa.account.{a['account_id']}" for a in summary["alerts"]}
    assert expected
    seen = _wait_for(lambda: _pqa_events(summary["run_id"]), len(expected))
    assert sorted(seen) == sorted(expected)


def _pqa_events(run_id: str) -> list[str]:
    """Resource ids of the `pqa.qualified` events of one evaluation run."""
    found: list[str] = []
    with get_client(sync_client=True) as client:
        page = client.read_events(
            EventFilter(event=EventNameFilter(name=["pqa.qualified"])), limit=50
        )
        while True:
            found += [
                event.resource.id
                for event in page.events
                if event.payload.get("run_id") == run_id
            ]
            if not page.next_page:
                break
            page = client.read_events_page(page.next_page)
    return found


def _wait_for(read: Callable[[], list[str]], count: int) -> list[str]:
    """Poll until `read` returns `count` items: events are persisted lazily."""
    deadline = time.monotonic() + EVENT_WAIT_S
    found = read()
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(1)
        found = read()
    return found


def test_daily_evaluation_rerun_with_zero_day_windows_sends_nothing_twice(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    config = write_flow_config(
        tmp_path, guardrails={"pqa_cooldown_days": 0, "message_cap_days": 0}
    )
    write_signals(warehouse, [hot_signals("a", AS_OF), fit_only_signals("b", AS_OF)])
    write_contacts(warehouse, [contact_row("a", 1), contact_row("b", 1)])
    first, _ = _evaluate(config)

    second, _ = _evaluate(config)

    assert first["alerts_sent"] == 1 and first["activation_messages"] == 1
    assert len(read_outbox(warehouse, channel="slack")) == 1
    assert len(read_outbox(warehouse, channel="in_app")) == 1
    assert second["alerts_sent"] == 0 and second["activation_messages"] == 0


def test_daily_evaluation_backdated_rerun_keeps_the_latest_state(
    warehouse: sa.Engine, flow_config: str
) -> None:
    write_contacts(warehouse, [contact_row("a", 1)])
    days = [AS_OF + timedelta(days=n) for n in (0, 9, 4, 10)]
    rows = [idle_signals, busy_off_profile_signals, idle_signals]
    rows += [busy_off_profile_signals]
    for day, signals in zip(days, rows, strict=True):
        write_signals(warehouse, [signals("a", day)])
        daily_evaluation(as_of=day, config_path=flow_config)

    with warehouse.connect() as conn:
        state = conn.execute(
            sa.text("SELECT disposition, evaluated_on FROM pqa_account_state")
        ).one()
    assert state[0] == "self_service_continue"
    assert pd.Timestamp(state[1]).date() == days[1]
    assert count_rows(warehouse, "pqa_lifecycle_moments") == 3
