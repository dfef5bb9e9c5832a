"""`pqa evaluate` and `pqa feedback` from the command line, on a real flow."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

from pqa.cli import app
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

DAY = date(2026, 12, 3)
runner = CliRunner()


def _seed_four_quadrants(engine: sa.Engine) -> None:
    write_signals(
        engine,
        [
            hot_signals("a1", DAY),
            fit_only_signals("a2", DAY),
            busy_off_profile_signals("a3", DAY),
            idle_signals("a4", DAY),
        ],
    )
    write_contacts(engine, [contact_row(a, 1) for a in ("a1", "a2", "a3", "a4")])


def _evaluate_json(config: str, *extra: str, day: date = DAY) -> dict[str, Any]:
    args = ["evaluate", "--config", config, "--as-of", day.isoformat(), "--json"]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_pqa_evaluate_json_twice_alerts_once(warehouse: sa.Engine, tmp_path: Path):
    _seed_four_quadrants(warehouse)
    config = write_flow_config(tmp_path)

    first = _evaluate_json(config)
    second = _evaluate_json(config)

    assert first["evaluated"] == 4
    assert first["dispositions"] == {
        "sales_engage": 1,
        "activation_assist": 1,
        "self_service_continue": 1,
        "nurture": 1,
    }
    assert (first["new_pqas"], first["alerts_sent"]) == (1, 1)
    assert (second["new_pqas"], second["alerts_sent"]) == (0, 0)
    assert second["suppressed"]["pqa_cooldown"] == 1
    assert count_rows(warehouse, "pqa_outbox", "channel = 'slack'") == 1


def test_pqa_evaluate_dry_run_writes_nothing(warehouse: sa.Engine, tmp_path: Path):
    _seed_four_quadrants(warehouse)
    config = write_flow_config(tmp_path)

    summary = _evaluate_json(config, "--dry-run", "--accounts", "a1,a2")

    assert summary["dry_run"] is True
    assert summary["evaluated"] == 2
    assert summary["alerts_sent"] == 0
    for table in ("pqa_runs", "pqa_outbox", "pqa_records", "pqa_account_state"):
        assert count_rows(warehouse, table) == 0


def test_pqa_feedback_decline_keeps_account_off_sales(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    _seed_four_quadrants(warehouse)
    config = write_flow_config(tmp_path)
    declined = runner.invoke(
        app, ["feedback", "decline", "a1", "--on", DAY.isoformat(), "--note", "busy"]
    )
    assert declined.exit_code == 0, declined.output

    later = DAY + timedelta(days=20)
    write_signals(warehouse, [hot_signals("a1", later)])
    summary = _evaluate_json(config, day=later)

    assert summary["dispositions"]["sales_engage"] == 0
    assert summary["dispositions"]["self_service_continue"] == 1
    assert summary["suppressed"]["declined_contact"] == 1
    assert count_rows(warehouse, "pqa_outbox", "channel = 'slack'") == 0


def test_pqa_evaluate_prints_summary_and_alert(warehouse: sa.Engine, tmp_path: Path):
    _seed_four_quadrants(warehouse)
    config = write_flow_config(tmp_path)

    result = runner.invoke(
        app, ["evaluate", "--config", config, "--as-of", DAY.isoformat()]
    )

    assert result.exit_code == 0, result.output
    for disposition in (
        "sales_engage",
        "activation_assist",
        "self_service_continue",
        "nurture",
    ):
        assert disposition in result.stdout
    assert "New PQA alert for Company a1" in result.stdout
    assert "Why now" in result.stdout


def test_pqa_feedback_accept_keeps_sales_from_a_second_alert(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    _seed_four_quadrants(warehouse)
    config = write_flow_config(tmp_path)
    first = _evaluate_json(config)
    accepted = runner.invoke(app, ["feedback", "accept", "a1", "--on", DAY.isoformat()])
    assert accepted.exit_code == 0, accepted.output

    # Past the 14-day cooldown the account is still hot, but sales own it.
    later = DAY + timedelta(days=20)
    write_signals(warehouse, [hot_signals("a1", later)])
    summary = _evaluate_json(config, day=later)

    assert first["alerts_sent"] == 1
    assert summary["dispositions"]["sales_engage"] == 1
    assert summary["suppressed"]["sales_engaged"] == 1
    assert summary["alerts_sent"] == 0
    assert count_rows(warehouse, "pqa_outbox", "channel = 'slack'") == 1
