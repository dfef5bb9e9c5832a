"""Top signals: ranked by weighted points, at most three, in human words."""

from __future__ import annotations

import pytest

from tests.factories import (
    make_config,
    score_frame,
    score_row,
    signals_frame,
    signals_row,
)

STRONG = {
    "employees": 2400,
    "industry": "fintech",
    "technologies": "dbt;snowflake",
    "country": "us",
    "enterprise_tools": "okta;salesforce",
    "active_users_30d": 9,
    "features_used": "api",
    "activated_date": "2025-01-02",
    "limit_hits_30d": 2,
    "last_active_date": "2026-02-28",
}


def test_explain_floor_account_has_no_top_signals() -> None:
    scored = score_row()

    assert scored["top_signals"] == ""
    assert scored["top_signal_names"] == ""


def test_explain_signals_at_their_floor_are_left_out() -> None:
    # Velocity, depth, expansion, budget and industry sit at floors above 0.
    scored = score_row(active_users_30d=1, active_users_prev_30d=1)

    assert scored["top_signal_names"] == "users"
    assert scored["top_signals"] == "1 active user in 30 days"


def test_explain_keeps_at_most_three_strongest() -> None:
    scored = score_row(**STRONG)

    # depth 100x25 and size 100x25 tie, readiness first; then users 100x20
    # ahead of expansion, velocity, tech, budget and industry at 100x20.
    assert scored["top_signal_names"] == "depth;size;users"
    assert scored["top_signals"] == (
        "uses power features api; 2,400 employees; 9 active users in 30 days"
    )


def test_explain_orders_by_weighted_points_not_raw_points() -> None:
    # recency 100 x 15 = 1500, expansion 60 x 20 = 1200, users 50 x 20 = 1000:
    # the largest raw points (recency's 100) is not what decides, the product is.
    scored = score_row(
        active_users_30d=2,
        active_users_prev_30d=1,
        last_active_date="2026-03-01",
    )

    assert scored["top_signal_names"] == "recency;expansion;users"
    assert scored["top_signals"] == (
        "last active today; active users grew from 1 to 2; 2 active users in 30 days"
    )


def test_explain_custom_weights_change_the_order() -> None:
    config = make_config(
        readiness={
            "users": 5,
            "depth": 5,
            "velocity": 5,
            "expansion": 5,
            "recency": 80,
        }
    )

    scored = score_row(config, active_users_30d=9, last_active_date="2026-02-20")

    # recency 40 x 80 = 3200 beats users 100 x 5 = 500.
    assert scored["top_signal_names"].split(";")[0] == "recency"
    assert scored["top_signals"].startswith("last active 9 days ago")


def test_explain_signal_with_zero_weight_is_left_out() -> None:
    weights = {"size": 0, "industry": 25, "tech": 25, "geography": 25, "budget": 25}

    scored = score_row(make_config(fit=weights), employees=5000)

    assert scored["top_signals"] == ""


@pytest.mark.parametrize(
    ("fields", "evidence"),
    [
        ({"active_users_30d": 9}, "9 active users in 30 days"),
        ({"active_users_30d": 1}, "1 active user in 30 days"),
        ({"active_users_30d": 1200}, "1,200 active users in 30 days"),
        ({"limit_hits_30d": 2}, "hit plan limits 2 times"),
        ({"limit_hits_30d": 1}, "hit plan limits 1 time"),
        ({"seat_requests_30d": 1}, "requested 1 more seat"),
        ({"seat_requests_30d": 3}, "requested 3 more seats"),
        (
            {"seat_requests_30d": 2, "limit_hits_30d": 3},
            "requested 2 more seats and hit plan limits 3 times",
        ),
        ({"last_active_date": "2026-02-28"}, "last active yesterday"),
        ({"last_active_date": "2026-03-01"}, "last active today"),
        ({"last_active_date": "2026-03-05"}, "last active today"),
        ({"last_active_date": "2026-02-27"}, "last active 2 days ago"),
        ({"activated_date": "2025-01-01"}, "activated on signup day"),
        ({"activated_date": "2025-01-02"}, "activated 1 day after signup"),
        ({"activated_date": "2025-01-20"}, "activated 19 days after signup"),
        ({"features_used": "Dashboards"}, "uses core features dashboards"),
        ({"features_used": "audit_log;SSO"}, "uses power features sso and audit_log"),
        ({"employees": 1}, None),
        ({"employees": 100}, "100 employees"),
        ({"employees": 12000}, "12,000 employees"),
        ({"industry": " SOFTWARE"}, "in target industry Software"),
        ({"industry": "Media"}, "in adjacent industry media"),
        ({"country": "gb"}, "based in GB, a target country"),
        ({"country": " fr "}, "based in FR, a supported country"),
        ({"technologies": "segment; SNOWFLAKE"}, "uses Snowflake and Segment"),
        ({"technologies": "DBT"}, "uses dbt"),
        (
            {"technologies": "segment;dbt;snowflake"},
            "uses Snowflake, dbt and Segment",
        ),
        ({"enterprise_tools": "okta;SALESFORCE"}, "pays for Salesforce and Okta"),
        ({"enterprise_tools": "workday"}, "pays for Workday"),
    ],
)
def test_explain_evidence_of_each_signal(fields: dict, evidence: str | None) -> None:
    scored = score_row(**fields)

    if evidence is None:
        assert scored["top_signals"] == ""
    else:
        assert evidence in scored["top_signals"].split("; ")


def test_explain_core_features_named_in_icp_order() -> None:
    scored = score_row(features_used="sharing;dashboards")

    assert scored["top_signals"] == "uses core features dashboards and sharing"


def test_explain_growth_evidence_names_both_counts() -> None:
    scored = score_row(active_users_30d=4, active_users_prev_30d=3)

    assert "active users grew from 3 to 4" in scored["top_signals"]


def test_explain_each_account_gets_its_own_evidence() -> None:
    frame = signals_frame(
        signals_row(active_users_30d=9, active_users_prev_30d=9),
        signals_row(),
        signals_row(limit_hits_30d=1, active_users_30d=1),
        signals_row(active_users_30d=9, active_users_prev_30d=12),
    )

    scored = score_frame(frame)

    assert scored["top_signals"].tolist() == [
        "9 active users in 30 days",
        "",
        "hit plan limits 1 time; 1 active user in 30 days",
        "9 active users in 30 days",
    ]
    assert scored["top_signal_names"].tolist() == [
        "users",
        "",
        "expansion;users",
        "users",
    ]


def test_explain_lower_points_with_more_weight_rank_first() -> None:
    # size 75 x 25 = 1875 beats recency 100 x 15 = 1500.
    scored = score_row(employees=150, last_active_date="2026-03-01")

    assert scored["top_signal_names"] == "size;recency"
    assert scored["top_signals"] == "150 employees; last active today"
