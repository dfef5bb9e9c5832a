"""Writes that decide what a rerun sends: handoffs land together, the newest
state wins, and a window always holds its own day."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from connectors.warehouse import (
    latest_alert_text,
    load_history,
    read_outbox,
    record_sales_handoff,
    save_account_state,
    table_exists,
)
from pqa.config import Guardrails
from pqa.errors import ConnectorError

DAY = date(2026, 12, 3)


def _delivery(account_id: str, channel: str, text: str | None = None) -> dict:
    return {
        "channel": channel,
        "account_id": account_id,
        "as_of": DAY,
        "run_id": "run-1",
        "text": text,
        "payload_json": "{}",
    }


def _pqa(account_id: str, qualified_on: date | None = DAY) -> dict:
    return {"account_id": account_id, "qualified_on": qualified_on, "run_id": "run-1"}


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_record_sales_handoff_writes_deliveries_and_records(engine: sa.Engine) -> None:
    written = record_sales_handoff(
        engine,
        deliveries=[_delivery("a1", "crm"), _delivery("a1", "slack", "New PQA")],
        pqas=[_pqa("a1")],
    )

    assert written == 3
    assert _count(engine, "pqa_outbox") == 2
    assert _count(engine, "pqa_records") == 1


def test_record_sales_handoff_failure_writes_nothing(engine: sa.Engine) -> None:
    # The PQA record breaks a NOT NULL rule after the deliveries were sent to
    # the database: the deliveries must be rolled back with it, so a retried
    # task does not alert twice.
    with pytest.raises(ConnectorError):
        record_sales_handoff(
            engine,
            deliveries=[_delivery("a1", "slack", "New PQA")],
            pqas=[_pqa("a1", qualified_on=None)],
        )

    assert _count(engine, "pqa_outbox") == 0
    assert _count(engine, "pqa_records") == 0


def test_latest_alert_text_is_the_newest_slack_delivery(engine: sa.Engine) -> None:
    assert latest_alert_text(engine) is None

    record_sales_handoff(
        engine,
        deliveries=[
            _delivery("a1", "slack", "first"),
            _delivery("a2", "slack", "second"),
            _delivery("a2", "crm", "not an alert"),
        ],
        pqas=[_pqa("a1"), _pqa("a2")],
    )

    assert latest_alert_text(engine) == "second"
    assert len(read_outbox(engine, channel="slack")) == 2


def test_table_exists_tells_present_from_absent(engine: sa.Engine) -> None:
    assert table_exists(engine, "pqa_outbox")
    assert not table_exists(engine, "account_signals")


def _state(account_id: str, disposition: str, day: date) -> dict:
    return {
        "account_id": account_id,
        "disposition": disposition,
        "evaluated_on": day,
        "recheck_on": day,
        "run_id": f"run-{day.isoformat()}",
    }


def test_save_account_state_older_day_never_replaces_newer(engine: sa.Engine):
    later = date(2026, 12, 10)
    save_account_state(engine, [_state("a1", "nurture", later)])

    save_account_state(
        engine,
        [_state("a1", "sales_engage", DAY), _state("a2", "nurture", DAY)],
    )

    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT account_id, disposition FROM pqa_account_state")
        ).all()
    assert sorted(rows) == [("a1", "nurture"), ("a2", "nurture")]


def test_load_history_zero_day_window_still_holds_the_day(engine: sa.Engine):
    record_sales_handoff(engine, deliveries=[_delivery("a1", "crm")], pqas=[_pqa("a1")])

    history = load_history(
        engine,
        low="a0",
        high="a9",
        as_of=DAY,
        guardrails=Guardrails(pqa_cooldown_days=0, message_cap_days=0),
    )

    assert list(history.last_qualified["account_id"]) == ["a1"]
