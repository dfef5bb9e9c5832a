"""The guardrails on small hand-built frames and histories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from pqa.config import Config
from pqa.guardrails import apply_guardrails, recheck_dates
from pqa.schema import History
from tests.factories import make_config

AS_OF = date(2026, 6, 15)
DAY = pd.Timestamp(AS_OF)


def scored(*rows: tuple[str, str, float, float], index: Any = None) -> pd.DataFrame:
    """Scored accounts: (account_id, disposition, fit, readiness) each."""
    frame = pd.DataFrame(
        rows, columns=["account_id", "disposition", "fit_score", "readiness_score"]
    )
    frame["exit_state"] = "not_ready"
    return frame if index is None else frame.set_axis(index)


def history(**tables: list[dict[str, Any]]) -> History:
    """A History with only the given tables filled, dates as Timestamps."""
    empty = History()
    filled = {}
    for name, rows in tables.items():
        template = getattr(empty, name)
        frame = pd.DataFrame(rows, columns=template.columns)
        filled[name] = frame.astype(template.dtypes.to_dict())
    return History(**filled)


def recipients(**by_account: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"account_id": list(by_account), "contact_id": list(by_account.values())},
        dtype=object,
    )


def guard(
    frame: pd.DataFrame,
    past: History | None = None,
    users: pd.DataFrame | None = None,
    config: Config | None = None,
) -> pd.DataFrame:
    return apply_guardrails(
        frame,
        past or History(),
        recipients() if users is None else users,
        config or make_config(),
        AS_OF,
    )


def one(decisions: pd.DataFrame, account_id: str) -> pd.Series:
    return decisions.set_index("account_id").loc[account_id]


def test_guardrails_nothing_in_history_acts_on_every_account() -> None:
    decisions = guard(
        scored(
            ("a", "sales_engage", 90, 90),
            ("b", "activation_assist", 90, 10),
            ("c", "self_service_continue", 10, 90),
            ("d", "nurture", 10, 10),
        ),
        users=recipients(b="b-c1"),
    )

    assert decisions["acts"].tolist() == [True] * 4
    assert decisions["guardrail"].tolist() == [""] * 4
    assert decisions["play"].tolist() == [
        "sales_handoff",
        "activation_assist",
        "self_serve_recheck",
        "nurture",
    ]
    assert decisions["exit_state"].tolist() == [
        "pqa_qualified",
        "activation_assist_needed",
        "self_service_continue",
        "not_ready",
    ]
    assert one(decisions, "b")["recipient_id"] == "b-c1"


@pytest.mark.parametrize(
    ("readiness", "fallback"),
    [(90.0, "self_service_continue"), (69.99, "nurture")],
)
def test_guardrails_low_fit_sales_engage_falls_back(
    readiness: float, fallback: str
) -> None:
    decisions = guard(scored(("a", "sales_engage", 69.99, readiness)))

    row = one(decisions, "a")
    assert row["scored_disposition"] == "sales_engage"
    assert row["disposition"] == fallback
    assert row["play"] != "sales_handoff"
    assert row["guardrail"] == "low_fit"


def test_guardrails_fit_at_threshold_is_sales_engaged() -> None:
    decisions = guard(scored(("a", "sales_engage", 70.0, 70.0)))

    assert one(decisions, "a")["disposition"] == "sales_engage"
    assert one(decisions, "a")["guardrail"] == ""
    assert one(decisions, "a")["acts"]


def test_guardrails_low_fit_follows_the_configured_threshold() -> None:
    config = make_config(thresholds={"fit": 80, "readiness": 70})

    decisions = guard(scored(("a", "sales_engage", 79.99, 90)), config=config)

    assert one(decisions, "a")["disposition"] == "self_service_continue"
    assert one(decisions, "a")["guardrail"] == "low_fit"


def test_guardrails_recent_pqa_is_held_by_cooldown() -> None:
    past = history(last_qualified=[{"account_id": "a", "qualified_on": DAY}])

    decisions = guard(
        scored(("a", "sales_engage", 90, 90), ("b", "sales_engage", 90, 90)), past
    )

    held, fresh = one(decisions, "a"), one(decisions, "b")
    assert held["guardrail"] == "pqa_cooldown" and not held["acts"]
    assert held["disposition"] == "sales_engage"
    assert fresh["guardrail"] == "" and fresh["acts"]


def test_guardrails_cooldown_only_holds_sales_engage() -> None:
    past = history(last_qualified=[{"account_id": "a", "qualified_on": DAY}])

    decisions = guard(scored(("a", "self_service_continue", 50, 90)), past)

    assert one(decisions, "a")["guardrail"] == ""
    assert one(decisions, "a")["acts"]


def test_guardrails_declined_account_stays_on_self_serve() -> None:
    past = history(declined=[{"account_id": "a", "declined_on": DAY}])

    decisions = guard(scored(("a", "sales_engage", 90, 90)), past)

    row = one(decisions, "a")
    assert row["guardrail"] == "declined_contact"
    assert row["disposition"] == "self_service_continue"
    assert row["exit_state"] == "self_service_continue"
    assert row["play"] == "self_serve_recheck" and row["acts"]
    assert row["recheck_on"] == AS_OF + timedelta(days=30)


def test_guardrails_accepted_pqa_stays_with_sales_without_new_alert() -> None:
    past = history(accepted=[{"account_id": "a", "accepted_on": DAY}])

    decisions = guard(
        scored(("a", "sales_engage", 90, 90), ("b", "sales_engage", 90, 90)), past
    )

    accepted, fresh = one(decisions, "a"), one(decisions, "b")
    assert accepted["guardrail"] == "sales_engaged"
    assert accepted["disposition"] == "sales_engage"
    assert accepted["exit_state"] == "sales_engaged"
    assert not accepted["acts"]
    assert fresh["guardrail"] == "" and fresh["acts"]
    assert fresh["exit_state"] == "pqa_qualified"


def test_guardrails_decline_after_accept_wins() -> None:
    past = history(
        accepted=[{"account_id": "a", "accepted_on": DAY - pd.Timedelta(days=9)}],
        declined=[{"account_id": "a", "declined_on": DAY}],
    )

    decisions = guard(scored(("a", "sales_engage", 90, 90)), past)

    row = one(decisions, "a")
    assert row["guardrail"] == "declined_contact"
    assert row["disposition"] == "self_service_continue"


def test_guardrails_declined_and_in_cooldown_records_both_and_holds() -> None:
    past = history(
        last_qualified=[{"account_id": "a", "qualified_on": DAY}],
        declined=[{"account_id": "a", "declined_on": DAY}],
    )

    decisions = guard(scored(("a", "sales_engage", 90, 90)), past)

    row = one(decisions, "a")
    assert row["guardrail"] == "pqa_cooldown;declined_contact"
    assert row["disposition"] == "self_service_continue"
    assert not row["acts"]


def test_guardrails_decline_leaves_other_dispositions_alone() -> None:
    past = history(declined=[{"account_id": "a", "declined_on": DAY}])

    decisions = guard(
        scored(("a", "activation_assist", 90, 10)), past, recipients(a="a-c1")
    )

    assert one(decisions, "a")["disposition"] == "activation_assist"
    assert one(decisions, "a")["guardrail"] == ""


def test_guardrails_messaged_user_is_capped() -> None:
    past = history(messaged_contacts=[{"contact_id": "a-c1", "last_sent_on": DAY}])

    decisions = guard(
        scored(("a", "activation_assist", 90, 10), ("b", "activation_assist", 90, 10)),
        past,
        recipients(a="a-c1", b="b-c1"),
    )

    capped, fresh = one(decisions, "a"), one(decisions, "b")
    assert capped["guardrail"] == "message_cap" and not capped["acts"]
    assert fresh["guardrail"] == "" and fresh["acts"]
    assert fresh["recipient_id"] == "b-c1"


def test_guardrails_cap_follows_the_user_not_the_account() -> None:
    past = history(messaged_contacts=[{"contact_id": "a-c1", "last_sent_on": DAY}])

    decisions = guard(
        scored(("a", "activation_assist", 90, 10)), past, recipients(a="a-c2")
    )

    assert one(decisions, "a")["acts"]
    assert one(decisions, "a")["recipient_id"] == "a-c2"


def test_guardrails_activation_without_active_user_is_held() -> None:
    decisions = guard(scored(("a", "activation_assist", 90, 10)))

    row = one(decisions, "a")
    assert row["guardrail"] == "no_active_user" and not row["acts"]
    assert row["recipient_id"] is None


def test_guardrails_same_disposition_before_recheck_is_unchanged() -> None:
    later = DAY + pd.Timedelta(days=5)
    past = history(
        state=[
            {"account_id": "a", "disposition": "nurture", "recheck_on": later},
            {"account_id": "b", "disposition": "nurture", "recheck_on": DAY},
            {"account_id": "c", "disposition": "nurture", "recheck_on": later},
        ]
    )

    decisions = guard(
        scored(
            ("a", "nurture", 10, 10),
            ("b", "nurture", 10, 10),
            ("c", "self_service_continue", 10, 90),
        ),
        past,
    )

    assert one(decisions, "a")["guardrail"] == "unchanged"
    assert not one(decisions, "a")["acts"]
    # Due today, or a changed disposition: looked at again and acted on.
    assert one(decisions, "b")["acts"] and one(decisions, "b")["guardrail"] == ""
    assert one(decisions, "c")["acts"] and one(decisions, "c")["guardrail"] == ""


def test_guardrails_unchanged_is_not_added_to_another_hold() -> None:
    later = DAY + pd.Timedelta(days=5)
    past = history(
        last_qualified=[{"account_id": "a", "qualified_on": DAY}],
        state=[{"account_id": "a", "disposition": "sales_engage", "recheck_on": later}],
    )

    decisions = guard(scored(("a", "sales_engage", 90, 90)), past)

    assert one(decisions, "a")["guardrail"] == "pqa_cooldown"


def test_guardrails_recheck_dates_follow_the_windows() -> None:
    config = make_config(
        guardrails={"pqa_cooldown_days": 7, "message_cap_days": 3},
        plays={"recheck_days": 10},
    )

    dates = recheck_dates(config, AS_OF)

    assert dates == {
        "sales_engage": AS_OF + timedelta(days=7),
        "activation_assist": AS_OF + timedelta(days=3),
        "self_service_continue": AS_OF + timedelta(days=10),
        "nurture": AS_OF + timedelta(days=10),
    }


def test_guardrails_keep_the_input_and_its_index() -> None:
    past = history(declined=[{"account_id": "b", "declined_on": DAY}])
    frame = scored(
        ("a", "activation_assist", 90, 10),
        ("b", "sales_engage", 90, 90),
        ("c", "sales_engage", 60, 90),
        index=[7, 3, 5],
    )
    before = frame.copy()

    decisions = guard(frame, past, recipients(a="a-c1"))

    pd.testing.assert_frame_equal(frame, before)
    assert decisions.index.tolist() == [7, 3, 5]
    assert decisions["account_id"].tolist() == ["a", "b", "c"]
    assert decisions["recipient_id"].tolist() == ["a-c1", None, None]
    assert decisions["guardrail"].tolist() == ["", "declined_contact", "low_fit"]
    assert decisions["disposition"].tolist() == [
        "activation_assist",
        "self_service_continue",
        "self_service_continue",
    ]


def test_guardrails_empty_batch_gives_empty_decisions() -> None:
    decisions = guard(scored())

    assert decisions.empty
    assert {"guardrail", "acts", "play", "recheck_on", "recipient_id"} <= set(
        decisions.columns
    )


def test_guardrails_user_of_two_accounts_gets_one_message() -> None:
    decisions = guard(
        scored(("a", "activation_assist", 90, 10), ("b", "activation_assist", 90, 10)),
        users=recipients(a="shared-user", b="shared-user"),
    )

    assert decisions["acts"].tolist() == [True, False]
    assert decisions["guardrail"].tolist() == ["", "message_cap"]
