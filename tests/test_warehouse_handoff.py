"""A sales handoff's deliveries land together, and the demo's outbox reads."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from connectors.warehouse import (
    latest_alert_text,
    read_outbox,
    record_sales_handoff,
    table_exists,
)
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
