"""Messy signals: every bad value scores the lowest tier and is recorded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from pqa.signals import normalise_signals
from tests.factories import (
    FLOOR_FIT,
    FLOOR_READINESS,
    score_frame,
    score_row,
    signals_frame,
    signals_row,
)


@pytest.mark.parametrize(
    "value",
    ["abc", "", "  ", -1, "-3", 1.5, "2.5", None, np.nan, "n/a", True, object()],
)
def test_score_accounts_bad_active_users_scores_zero(value: object) -> None:
    scored = score_row(active_users_30d=value)

    assert scored["points_users"] == 0
    assert scored["readiness_score"] == FLOOR_READINESS
    assert scored["unusable_fields"] == "active_users_30d"


@pytest.mark.parametrize("value", ["abc", -1, 99.5, True, float("inf"), "inf", 1e300])
def test_score_accounts_bad_employees_scores_lowest_size(value: object) -> None:
    scored = score_row(employees=value)

    assert scored["points_size"] == 50
    assert scored["fit_score"] == FLOOR_FIT
    assert scored["unusable_fields"] == "employees"
    assert scored["top_signals"] == ""


@pytest.mark.parametrize("value", [None, "", "   ", np.nan])
def test_score_accounts_missing_employees_is_not_unusable(value: object) -> None:
    scored = score_row(employees=value)

    assert scored["points_size"] == 50
    assert scored["unusable_fields"] == ""


@pytest.mark.parametrize("value", ["500", " 500 ", 500.0, "500.0", Decimal(500)])
def test_score_accounts_whole_numbers_in_any_form_count(value: object) -> None:
    scored = score_row(employees=value)

    assert scored["points_size"] == 100
    assert scored["unusable_fields"] == ""


def test_score_accounts_several_unusable_fields_in_contract_order() -> None:
    scored = score_row(
        last_active_date="yesterday",
        employees="many",
        technologies=None,
        limit_hits_30d=-2,
    )

    assert (
        scored["unusable_fields"]
        == "employees;limit_hits_30d;technologies;last_active_date"
    )


@pytest.mark.parametrize("value", ["2025-02-30", "yesterday", "01/02/2025x", "-"])
def test_score_accounts_unparseable_signup_date_scores_slow(value: str) -> None:
    scored = score_row(signup_date=value, activated_date="2025-01-02")

    assert scored["points_velocity"] == 30
    assert scored["unusable_fields"] == "signup_date"


def test_score_accounts_unparseable_last_active_scores_zero() -> None:
    scored = score_row(last_active_date="last tuesday")

    assert scored["points_recency"] == 0
    assert scored["unusable_fields"] == "last_active_date"


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-28",
        " 2026-02-28 ",
        "2026-02-28T23:59:00",
        "2026-02-28T10:00:00+00:00",
        date(2026, 2, 28),
        datetime(2026, 2, 28, 18, 30),
        pd.Timestamp("2026-02-28"),
    ],
)
def test_score_accounts_dates_in_any_form_count(value: object) -> None:
    scored = score_row(last_active_date=value)

    assert scored["points_recency"] == 100
    assert scored["top_signals"] == "last active yesterday"
    assert scored["unusable_fields"] == ""


def test_score_accounts_typed_datetime_column_counts() -> None:
    frame = signals_frame(signals_row(), signals_row())
    frame["last_active_date"] = pd.to_datetime(["2026-02-28", None])

    scored = score_frame(frame)

    assert scored["points_recency"].tolist() == [100, 0]
    assert scored["unusable_fields"].tolist() == ["", ""]


@pytest.mark.parametrize("value", [None, "", "  "])
def test_score_accounts_missing_optional_text_is_not_unusable(value: object) -> None:
    scored = score_row(industry=value, country=value)

    assert scored["points_industry"] == 30
    assert scored["points_geography"] == 40
    assert scored["unusable_fields"] == ""


def test_score_accounts_missing_list_is_unusable_but_empty_list_is_not() -> None:
    frame = signals_frame(signals_row(technologies=None), signals_row(technologies=[]))

    scored = score_frame(frame)

    assert scored["points_tech"].tolist() == [40, 40]
    assert scored["unusable_fields"].tolist() == ["technologies", ""]


def test_score_accounts_python_lists_match_like_text() -> None:
    frame = signals_frame(
        signals_row(technologies=["Snowflake ", "DBT"], enterprise_tools=["okta"]),
        signals_row(technologies=("segment",), enterprise_tools=[]),
        signals_row(technologies=np.array(["dbt", "x"]), enterprise_tools=None),
    )

    scored = score_frame(frame)

    assert scored["points_tech"].tolist() == [100, 60, 60]
    assert scored["points_budget"].tolist() == [60, 30, 30]
    assert scored["unusable_fields"].tolist() == ["", "", "enterprise_tools"]


def test_score_accounts_none_inside_a_list_is_skipped() -> None:
    frame = signals_frame(
        signals_row(technologies=["snowflake", None, "dbt"]),
        signals_row(technologies=[None], features_used=["sso", None]),
    )

    scored = score_frame(frame)

    assert scored["points_tech"].tolist() == [100, 40]
    assert scored["points_depth"].tolist() == [30, 100]
    assert scored["unusable_fields"].tolist() == ["", ""]


def test_score_accounts_lists_and_text_mixed_in_one_column() -> None:
    # The first row's form must not decide how the next row is read.
    frame = signals_frame(
        signals_row(technologies="snowflake;dbt"),
        signals_row(technologies=["snowflake", "dbt"]),
        signals_row(technologies=7),
        signals_row(technologies=["Segment", 5]),
    )

    scored = score_frame(frame)

    assert scored["points_tech"].tolist() == [100, 100, 40, 60]


def test_score_accounts_list_text_ignores_spaces_and_case() -> None:
    scored = score_row(technologies=" SNOWFLAKE ; dbt ;", features_used="Sso")

    assert scored["points_tech"] == 100
    assert scored["points_depth"] == 100


def test_score_accounts_missing_columns_score_lowest_tiers() -> None:
    frame = pd.DataFrame({"account_id": ["a", "b"]})

    scored = score_frame(frame)

    assert scored["fit_score"].tolist() == [FLOOR_FIT, FLOOR_FIT]
    assert scored["readiness_score"].tolist() == [FLOOR_READINESS] * 2
    assert scored["disposition"].tolist() == ["nurture", "nurture"]
    assert scored["unusable_fields"].iloc[0] == (
        "active_users_30d;active_users_prev_30d;seat_requests_30d;limit_hits_30d;"
        "technologies;enterprise_tools;features_used;signup_date"
    )
    assert scored["name"].tolist() == ["", ""]


def test_score_accounts_bad_row_leaves_neighbours_alone() -> None:
    good = signals_row(
        employees=800,
        industry="software",
        technologies="snowflake;dbt",
        country="US",
        enterprise_tools="okta;salesforce",
        active_users_30d=9,
        features_used="sso",
        activated_date="2025-01-02",
        seat_requests_30d=1,
        last_active_date="2026-03-01",
    )
    bad = signals_row(
        employees="lots",
        industry=3.5,
        technologies=object(),
        country=None,
        active_users_30d=-4,
        active_users_prev_30d="x",
        signup_date="not a date",
        activated_date=[1, 2],
        seat_requests_30d=float("nan"),
        limit_hits_30d=True,
        last_active_date="2026-13-45",
    )
    alone = score_frame(signals_frame(good))
    together = score_frame(signals_frame(good, bad, good))

    for position in (0, 2):
        row = together.drop(columns="account_id").iloc[position]
        assert row.equals(alone.drop(columns="account_id").iloc[0])
    assert together["fit_score"].iloc[0] == 100
    assert together["readiness_score"].iloc[0] == 100


def test_score_accounts_integer_and_text_columns_agree() -> None:
    typed = signals_frame(signals_row(active_users_30d=4, employees=150))
    text = typed.astype(str).replace("None", "")

    assert score_frame(typed).equals(score_frame(text))


def test_normalise_signals_counts_are_nan_when_unusable() -> None:
    frame = signals_frame(
        signals_row(employees="7"),
        signals_row(employees="7.5"),
        signals_row(employees=-7),
        signals_row(employees=None),
    )

    signals = normalise_signals(frame)

    counts = signals.counts["employees"]
    assert counts[0] == 7
    assert np.isnan(counts[1:]).all()


def test_normalise_signals_dates_are_day_numbers() -> None:
    frame = signals_frame(signals_row(signup_date="1970-01-11"))

    signals = normalise_signals(frame)

    assert signals.days["signup_date"][0] == 10
    assert np.isnan(signals.days["activated_date"][0])


def test_normalise_signals_ignores_frame_index() -> None:
    frame = signals_frame(signals_row(), signals_row(employees=600))
    frame.index = [10, 3]

    signals = normalise_signals(frame)

    assert signals.counts["employees"].tolist() == [10, 600]
