"""Signal points at every tier boundary of every signal."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    make_config,
    score_frame,
    score_row,
    signals_frame,
    signals_row,
)


@pytest.mark.parametrize(
    ("employees", "points"),
    [(0, 50), (99, 50), (100, 75), (499, 75), (500, 100), (120_000, 100)],
)
def test_score_accounts_size_tiers(employees: int, points: int) -> None:
    assert score_row(employees=employees)["points_size"] == points


def test_score_accounts_size_missing_scores_lowest() -> None:
    assert score_row(employees=None)["points_size"] == 50


@pytest.mark.parametrize(
    ("industry", "points"),
    [
        ("software", 100),
        (" SOFTWARE ", 100),
        ("FinTech", 100),
        ("media", 60),
        ("Education ", 60),
        ("retail", 30),
        ("software services", 30),
        (None, 30),
    ],
)
def test_score_accounts_industry_tiers(industry: str | None, points: int) -> None:
    assert score_row(industry=industry)["points_industry"] == points


@pytest.mark.parametrize(
    ("technologies", "points"),
    [
        ("", 40),
        (None, 40),
        ("mysql;redshift", 40),
        ("snowflake", 60),
        (" Snowflake ", 60),
        ("snowflake;SNOWFLAKE; snowflake ", 60),
        ("snowflake;mysql", 60),
        ("snowflake;dbt", 100),
        ("DBT ; segment ; snowflake", 100),
        ("snowflakes;dbtx", 40),
    ],
)
def test_score_accounts_tech_tiers(technologies: str | None, points: int) -> None:
    assert score_row(technologies=technologies)["points_tech"] == points


@pytest.mark.parametrize(
    ("country", "points"),
    [
        ("US", 100),
        (" gb ", 100),
        ("DE", 70),
        ("ca", 70),
        ("BR", 40),
        ("USA", 40),
        (None, 40),
    ],
)
def test_score_accounts_geography_tiers(country: str | None, points: int) -> None:
    assert score_row(country=country)["points_geography"] == points


@pytest.mark.parametrize(
    ("tools", "points"),
    [
        ("", 30),
        ("hubspot", 30),
        ("okta", 60),
        ("OKTA;okta", 60),
        ("okta;Salesforce", 100),
        (" workday ;okta;salesforce", 100),
    ],
)
def test_score_accounts_budget_tiers(tools: str, points: int) -> None:
    assert score_row(enterprise_tools=tools)["points_budget"] == points


@pytest.mark.parametrize(
    ("active", "points"), [(0, 0), (1, 50), (2, 50), (3, 75), (4, 75), (5, 100)]
)
def test_score_accounts_users_tiers(active: int, points: int) -> None:
    assert score_row(active_users_30d=active)["points_users"] == points


@pytest.mark.parametrize(
    ("features", "points"),
    [
        ("", 30),
        ("export", 30),
        ("dashboards", 60),
        ("Sharing ", 60),
        ("api", 100),
        ("dashboards;audit_log", 100),
        ("sharing;sso;dashboards", 100),
    ],
)
def test_score_accounts_depth_power_beats_core(features: str, points: int) -> None:
    assert score_row(features_used=features)["points_depth"] == points


@pytest.mark.parametrize(
    ("activated", "points"),
    [
        ("2025-01-01", 100),
        ("2025-01-08", 100),
        ("2025-01-09", 60),
        ("2025-01-31", 60),
        ("2025-02-01", 30),
        (None, 30),
        ("2024-12-31", 30),
    ],
)
def test_score_accounts_velocity_tiers(activated: str | None, points: int) -> None:
    # signup_date is 2025-01-01: 7, 8, 30 and 31 days, never, and before.
    assert score_row(activated_date=activated)["points_velocity"] == points


@pytest.mark.parametrize(
    ("seats", "limits", "active", "previous", "points"),
    [
        (1, 0, 0, 0, 100),
        (0, 1, 0, 0, 100),
        (3, 2, 1, 9, 100),
        (0, 0, 4, 3, 60),
        (0, 0, 3, 3, 30),
        (0, 0, 2, 3, 30),
        (0, 0, 0, 0, 30),
    ],
)
def test_score_accounts_expansion_tiers(
    seats: int, limits: int, active: int, previous: int, points: int
) -> None:
    scored = score_row(
        seat_requests_30d=seats,
        limit_hits_30d=limits,
        active_users_30d=active,
        active_users_prev_30d=previous,
    )

    assert scored["points_expansion"] == points


def test_score_accounts_expansion_growth_needs_known_previous() -> None:
    scored = score_row(active_users_30d=4, active_users_prev_30d="?")

    assert scored["points_expansion"] == 30


@pytest.mark.parametrize(
    ("last_active", "points"),
    [
        ("2026-03-01", 100),
        ("2026-02-28", 100),
        ("2026-02-27", 70),
        ("2026-02-22", 70),
        ("2026-02-21", 40),
        ("2026-01-30", 40),
        ("2026-01-29", 0),
        (None, 0),
        ("2026-03-09", 100),
    ],
)
def test_score_accounts_recency_tiers(last_active: str | None, points: int) -> None:
    # AS_OF is 2026-03-01: 0, 1, 2, 7, 8, 30, 31 days, missing, and a date
    # after as_of (a backdated rerun), read as active on as_of.
    assert score_row(last_active_date=last_active)["points_recency"] == points


def test_score_accounts_as_of_moves_recency() -> None:
    early = score_row(as_of=date(2026, 2, 1), last_active_date="2026-01-31")
    late = score_row(as_of=date(2026, 4, 1), last_active_date="2026-01-31")

    assert (early["points_recency"], late["points_recency"]) == (100, 0)


def test_score_accounts_custom_size_and_user_tiers() -> None:
    config = make_config(
        tiers={
            "mid_company_employees": 10,
            "large_company_employees": 50,
            "some_active_users": 2,
            "many_active_users": 10,
        }
    )
    frame = signals_frame(
        *(signals_row(employees=n, active_users_30d=n) for n in (1, 2, 9, 10, 50))
    )

    scored = score_frame(frame, config)

    assert scored["points_size"].tolist() == [50, 50, 50, 75, 100]
    assert scored["points_users"].tolist() == [50, 75, 75, 100, 100]


def test_score_accounts_custom_match_tiers() -> None:
    config = make_config(tiers={"strong_tech_matches": 3, "strong_tool_matches": 1})
    frame = signals_frame(
        signals_row(technologies="snowflake;dbt", enterprise_tools="okta"),
        signals_row(technologies="snowflake;dbt;segment", enterprise_tools=""),
    )

    scored = score_frame(frame, config)

    assert scored["points_tech"].tolist() == [60, 100]
    assert scored["points_budget"].tolist() == [100, 30]


def test_score_accounts_custom_activation_tiers() -> None:
    config = make_config(tiers={"fast_activation_days": 0, "normal_activation_days": 2})
    frame = signals_frame(
        *(
            signals_row(activated_date=day)
            for day in ("2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04")
        )
    )

    scored = score_frame(frame, config)

    assert scored["points_velocity"].tolist() == [100, 60, 60, 30]
