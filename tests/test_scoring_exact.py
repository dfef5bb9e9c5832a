"""Exact scores, thresholds in hundredths, the 2x2 and the output's shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pqa.scoring import DISPOSITIONS, EXIT_STATES, assign_dispositions
from tests.factories import (
    FLOOR_FIT,
    FLOOR_READINESS,
    make_config,
    score_frame,
    score_row,
    signals_frame,
    signals_row,
)


def _fit_at(size: int, industry: int, tech: int, geo: int, budget: int) -> dict:
    """Signals that earn exactly these fit points."""
    return {
        "employees": {100: 900, 75: 200, 50: 5}[size],
        "industry": {100: "software", 60: "media", 30: "retail"}[industry],
        "technologies": {100: "dbt;segment", 60: "dbt", 40: ""}[tech],
        "country": {100: "US", 70: "DE", 40: "BR"}[geo],
        "enterprise_tools": {100: "okta;workday", 60: "okta", 30: ""}[budget],
    }


def test_score_accounts_fit_is_the_weighted_sum() -> None:
    scored = score_row(**_fit_at(75, 60, 100, 70, 60))

    # 0.25*75 + 0.20*60 + 0.20*100 + 0.15*70 + 0.20*60
    assert scored["fit_score"] == 73.25


def test_score_accounts_readiness_is_the_weighted_sum() -> None:
    scored = score_row(
        active_users_30d=3,
        features_used="sharing",
        activated_date="2025-01-20",
        seat_requests_30d=2,
        last_active_date="2026-02-25",
    )

    # 0.20*75 + 0.25*60 + 0.20*60 + 0.20*100 + 0.15*70
    assert scored["readiness_score"] == 72.5


def test_score_accounts_fit_of_exactly_70_is_high() -> None:
    scored = score_row(**_fit_at(100, 60, 60, 100, 30))

    assert scored["fit_score"] == 70
    assert scored["disposition"] == "activation_assist"


def test_score_accounts_fit_of_exactly_70_with_custom_weights() -> None:
    # In floats, 100*.29 + 60*.22 + 60*.32 + 100*.05 + 30*.12 is 69.99999...
    weights = {"size": 29, "industry": 22, "tech": 32, "geography": 5, "budget": 12}
    config = make_config(fit=weights)

    scored = score_row(config, **_fit_at(100, 60, 60, 100, 30))

    assert scored["fit_score"] == 70
    assert scored["disposition"] == "activation_assist"


def test_score_accounts_readiness_of_exactly_70_is_high() -> None:
    scored = score_row(
        active_users_30d=9,
        activated_date="2025-01-02",
        active_users_prev_30d=1,
        last_active_date="2026-02-24",
    )

    # 0.20*100 + 0.25*30 + 0.20*100 + 0.20*60 + 0.15*70
    assert scored["readiness_score"] == 70
    assert scored["disposition"] == "self_service_continue"


def test_score_accounts_readiness_of_exactly_70_with_custom_weights() -> None:
    # In floats, 100*.58 + 30*.01 + 30*.23 + 30*.16 + 0*.02 is 69.99999...
    weights = {"users": 58, "depth": 1, "velocity": 23, "expansion": 16, "recency": 2}
    config = make_config(readiness=weights)

    scored = score_row(config, active_users_30d=5, active_users_prev_30d=5)

    assert scored["readiness_score"] == 70
    assert scored["disposition"] == "self_service_continue"


def test_score_accounts_exact_70_on_both_is_a_pqa() -> None:
    config = make_config(
        fit={"size": 29, "industry": 22, "tech": 32, "geography": 5, "budget": 12},
        readiness={
            "users": 58,
            "depth": 1,
            "velocity": 23,
            "expansion": 16,
            "recency": 2,
        },
    )

    scored = score_row(
        config,
        active_users_30d=5,
        active_users_prev_30d=5,
        **_fit_at(100, 60, 60, 100, 30),
    )

    assert (scored["fit_score"], scored["readiness_score"]) == (70, 70)
    assert scored["disposition"] == "sales_engage"
    assert scored["exit_state"] == "pqa_qualified"


def test_score_accounts_70_misses_a_threshold_of_70_point_01() -> None:
    config = make_config(thresholds={"fit": 70.01, "readiness": 70.01})
    scored = score_row(config, **_fit_at(100, 60, 60, 100, 30))

    assert scored["fit_score"] == 70
    assert scored["disposition"] == "nurture"


def test_score_accounts_two_decimal_thresholds_are_exact() -> None:
    # 73.25 against 73.25 and 73.26; 72.5 against 72.49 and 72.5.
    signals = signals_row(
        **_fit_at(75, 60, 100, 70, 60),
        active_users_30d=3,
        features_used="sharing",
        activated_date="2025-01-20",
        seat_requests_30d=2,
        last_active_date="2026-02-25",
    )
    frame = signals_frame(signals)
    cases = [
        (73.25, 72.5, "sales_engage"),
        (73.26, 72.5, "self_service_continue"),
        (73.25, 72.51, "activation_assist"),
        (73.26, 72.51, "nurture"),
        (70.5, 72.49, "sales_engage"),
    ]
    for fit, readiness, disposition in cases:
        config = make_config(thresholds={"fit": fit, "readiness": readiness})
        assert score_frame(frame, config)["disposition"].iloc[0] == disposition


def test_score_accounts_near_misses_stay_below_the_threshold() -> None:
    # 0.25*75 + 0.20*60 + 0.20*60 + 0.15*100 + 0.20*60 = 69.75;
    # 0.25*100 + 0.20*100 + 0.20*40 + 0.15*70 + 0.20*30 = 69.5;
    # 0.25*100 + 0.20*60 + 0.20*60 + 0.15*100 + 0.20*30 = 70.
    frame = signals_frame(
        signals_row(**_fit_at(75, 60, 60, 100, 60)),
        signals_row(**_fit_at(100, 100, 40, 70, 30)),
        signals_row(**_fit_at(100, 60, 60, 100, 30)),
    )
    at_70 = score_frame(frame)
    at_70_5 = score_frame(frame, make_config(thresholds={"fit": 70.5}))

    assert at_70["fit_score"].tolist() == [69.75, 69.5, 70]
    assert at_70["disposition"].tolist() == ["nurture", "nurture", "activation_assist"]
    assert at_70_5["disposition"].tolist() == ["nurture"] * 3


def test_score_accounts_scores_have_at_most_two_decimals() -> None:
    frame = signals_frame(
        *(signals_row(**_fit_at(75, 60, 60, 70, 60)) for _ in range(3))
    )

    scored = score_frame(frame)

    for value in scored["fit_score"]:
        assert round(value, 2) == value
    assert scored["fit_score"].iloc[0] == 65.25


def _quadrant(high_fit: bool, ready: bool) -> dict:
    fit = _fit_at(100, 100, 100, 100, 100) if high_fit else _fit_at(50, 30, 40, 40, 30)
    usage = (
        {
            "active_users_30d": 8,
            "features_used": "sso",
            "activated_date": "2025-01-03",
            "limit_hits_30d": 2,
            "last_active_date": "2026-03-01",
        }
        if ready
        else {}
    )
    return signals_row(**fit, **usage)


@pytest.mark.parametrize(
    ("high_fit", "ready", "disposition", "exit_state"),
    [
        (True, True, "sales_engage", "pqa_qualified"),
        (True, False, "activation_assist", "activation_assist_needed"),
        (False, True, "self_service_continue", "self_service_continue"),
        (False, False, "nurture", "not_ready"),
    ],
)
def test_score_accounts_each_quadrant_and_exit_state(
    high_fit: bool, ready: bool, disposition: str, exit_state: str
) -> None:
    scored = score_frame(signals_frame(_quadrant(high_fit, ready))).iloc[0]

    assert scored["disposition"] == disposition
    assert scored["exit_state"] == exit_state
    assert bool(scored["fit_score"] >= 70) is high_fit
    assert bool(scored["readiness_score"] >= 70) is ready


def test_score_accounts_floor_account_nurtures() -> None:
    scored = score_row()

    assert (scored["fit_score"], scored["readiness_score"]) == (
        FLOOR_FIT,
        FLOOR_READINESS,
    )
    assert scored["disposition"] == "nurture"


def test_score_accounts_custom_thresholds_move_the_quadrants() -> None:
    low = make_config(thresholds={"fit": 38.5, "readiness": 19.5})
    high = make_config(thresholds={"fit": 100, "readiness": 100})
    top = signals_frame(_quadrant(True, True))

    assert score_row(low)["disposition"] == "sales_engage"
    assert score_frame(top, high)["disposition"].iloc[0] == "sales_engage"
    zero = make_config(thresholds={"fit": 0, "readiness": 0})
    assert score_row(zero, employees="x")["disposition"] == "sales_engage"


def test_assign_dispositions_on_hundredths() -> None:
    config = make_config(thresholds={"fit": 70, "readiness": 55.55})
    fit = np.array([7000, 7000, 6999, 6999, 10000, 0])
    readiness = np.array([5555, 5554, 5555, 5554, 0, 10000])

    codes = assign_dispositions(fit, readiness, config)

    assert [DISPOSITIONS[c] for c in codes] == [
        "sales_engage",
        "activation_assist",
        "self_service_continue",
        "nurture",
        "activation_assist",
        "self_service_continue",
    ]


def test_exit_states_cover_every_disposition() -> None:
    assert set(EXIT_STATES) == set(DISPOSITIONS)


def test_score_accounts_output_columns() -> None:
    scored = score_frame(signals_frame(signals_row(), signals_row()))

    assert list(scored.columns[:7]) == [
        "account_id",
        "name",
        "domain",
        "fit_score",
        "readiness_score",
        "disposition",
        "exit_state",
    ]
    signals = ("size", "industry", "tech", "geography", "budget")
    signals += ("users", "depth", "velocity", "expansion", "recency")
    for signal in signals:
        assert f"points_{signal}" in scored.columns
    assert {"top_signals", "top_signal_names", "unusable_fields"} <= set(scored.columns)
    assert scored["account_id"].tolist() == ["acc-1", "acc-2"]


def test_score_accounts_empty_frame_gives_empty_result() -> None:
    frame = pd.DataFrame([signals_row()]).iloc[0:0]

    scored = score_frame(frame)

    assert len(scored) == 0
    assert "disposition" in scored.columns
