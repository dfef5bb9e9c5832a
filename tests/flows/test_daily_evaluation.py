"""The daily evaluation flow end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from connectors.warehouse import read_outbox
from flows.daily_evaluation import daily_evaluation
from pqa.demo import seed_demo_warehouse
from pqa.scoring import DISPOSITIONS

AS_OF = date(2026, 12, 3)
DEMO_ACCOUNTS = 300


@pytest.fixture
def demo(warehouse: sa.Engine) -> sa.Engine:
    """The warehouse seeded with a few hundred demo accounts."""
    seed_demo_warehouse(warehouse, accounts=DEMO_ACCOUNTS, seed=7, as_of=AS_OF)
    return warehouse


def test_daily_evaluation_demo_reports_every_disposition(
    demo: sa.Engine, flow_config: str
) -> None:
    summary = daily_evaluation(as_of=AS_OF, config_path=flow_config)

    assert summary["evaluated"] == DEMO_ACCOUNTS
    assert all(summary["dispositions"][d] > 0 for d in DISPOSITIONS)
    assert summary["new_pqas"] >= 1
    assert summary["alerts_sent"] == summary["new_pqas"] == len(summary["alerts"])
    assert summary["failures"] == 0
    slack = read_outbox(demo, channel="slack")
    assert len(slack) == summary["alerts_sent"]
