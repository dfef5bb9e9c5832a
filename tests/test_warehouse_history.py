"""The history the guardrails read, each window at its boundary day."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from connectors.warehouse import (
    insert_outbox,
    insert_pqa_records,
    load_history,
    record_feedback,
)
from pqa.config import Guardrails
from tests.warehouse_rows import AS_OF, days_ago, message_row, pqa_row


def test_load_history_cooldown_boundary(engine: sa.Engine) -> None:
    insert_pqa_records(
        engine,
        [
            pqa_row("acc-1", days_ago(13)),
            pqa_row("acc-2", days_ago(14)),
            pqa_row("acc-3", days_ago(30)),
            pqa_row("acc-3", days_ago(2)),
            pqa_row("acc-4", AS_OF + timedelta(days=5)),
            pqa_row("zzz-9", days_ago(1)),
        ],
    )

    history = load_history(
        engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=Guardrails()
    )

    got = history.last_qualified.sort_values("account_id")
    assert got["account_id"].tolist() == ["acc-1", "acc-3", "acc-4"]
    assert got["qualified_on"].tolist() == [
        pd.Timestamp(days_ago(13)),
        pd.Timestamp(days_ago(2)),
        pd.Timestamp(AS_OF + timedelta(days=5)),
    ]


def test_load_history_decline_boundary(engine: sa.Engine) -> None:
    for account_id, days, kind in [
        ("acc-1", 89, "decline"),
        ("acc-2", 90, "decline"),
        ("acc-3", 1, "accept"),
    ]:
        record_feedback(
            engine, account_id=account_id, kind=kind, recorded_on=days_ago(days)
        )

    history = load_history(
        engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=Guardrails()
    )

    assert history.declined["account_id"].tolist() == ["acc-1"]
    assert history.declined["declined_on"].tolist() == [pd.Timestamp(days_ago(89))]


def test_load_history_message_cap_window(engine: sa.Engine) -> None:
    insert_outbox(
        engine,
        [
            message_row("c-inside", 13),
            message_row("c-inside", 20),
            message_row("c-outside", 14),
            message_row("c-slack", 1, channel="slack"),
        ],
    )

    history = load_history(
        engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=Guardrails()
    )

    assert history.messaged_contacts["contact_id"].tolist() == ["c-inside"]
    assert history.messaged_contacts["last_sent_on"].tolist() == [
        pd.Timestamp(days_ago(13))
    ]


def test_load_history_windows_follow_guardrails(engine: sa.Engine) -> None:
    insert_pqa_records(engine, [pqa_row("acc-1", days_ago(20))])
    short = Guardrails(pqa_cooldown_days=14)
    long = Guardrails(pqa_cooldown_days=30)

    for guardrails, expected in [(short, 0), (long, 1)]:
        history = load_history(
            engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=guardrails
        )
        assert len(history.last_qualified) == expected


def test_load_history_acceptance_window(engine: sa.Engine) -> None:
    for account_id, days in (("acc-1", 89), ("acc-2", 90), ("acc-3", 1)):
        record_feedback(
            engine, account_id=account_id, kind="accept", recorded_on=days_ago(days)
        )
    record_feedback(engine, account_id="acc-4", kind="decline", recorded_on=AS_OF)

    history = load_history(
        engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=Guardrails()
    )

    accepted = history.accepted.sort_values("account_id")
    assert accepted["account_id"].tolist() == ["acc-1", "acc-3"]
    assert accepted["accepted_on"].tolist() == [
        pd.Timestamp(days_ago(89)),
        pd.Timestamp(days_ago(1)),
    ]
