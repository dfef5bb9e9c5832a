"""Fit, readiness, disposition and exit state, vectorised over a batch.

Points are whole numbers and weights whole percents, so a score is kept in
hundredths as an integer (sum of points x weight) and compared with the
thresholds exactly: an account whose weighted sum is 70 is 70, never 69.99.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from pqa.config import FIT_SIGNALS, READINESS_SIGNALS, Config
from pqa.explain import explain_top_signals
from pqa.signals import (
    UNUSABLE_ORDER,
    Signals,
    count_matches,
    day_number,
    is_one_of,
    normalise_signals,
)

SIGNALS = (*FIT_SIGNALS, *READINESS_SIGNALS)
DISPOSITIONS = ("sales_engage", "activation_assist", "self_service_continue", "nurture")
EXIT_STATES = {
    "sales_engage": "pqa_qualified",
    "activation_assist": "activation_assist_needed",
    "self_service_continue": "self_service_continue",
    "nurture": "not_ready",
}


def score_accounts(frame: pd.DataFrame, config: Config, as_of: date) -> pd.DataFrame:
    """Score a frame of canonical signals: one output row per account.

    Returns account_id, name, domain, fit_score, readiness_score,
    disposition, exit_state, points_<signal> for each signal, top_signals
    (evidence of the three strongest, "; "-joined), top_signal_names and
    unusable_fields (";"-joined field names).
    """
    signals = normalise_signals(frame)
    points = score_signals(signals, config, as_of)
    fit = _weighted_hundredths(points, config.fit.weights.model_dump())
    readiness = _weighted_hundredths(points, config.readiness.weights.model_dump())
    disposition = assign_dispositions(fit, readiness, config)
    names, evidence = explain_top_signals(signals, points, config, as_of)
    out = pd.DataFrame(
        {
            "account_id": signals.frame["account_id"].astype("string"),
            "name": _text_or_empty(signals.frame, "name"),
            "domain": _text_or_empty(signals.frame, "domain"),
            "fit_score": fit / 100,
            "readiness_score": readiness / 100,
            "disposition": _labels(DISPOSITIONS, disposition),
            "exit_state": _labels(tuple(EXIT_STATES.values()), disposition),
        }
    )
    for signal in SIGNALS:
        out[f"points_{signal}"] = points[signal]
    out["top_signals"] = evidence.to_pandas()
    out["top_signal_names"] = names.to_pandas()
    out["unusable_fields"] = describe_unusable(signals.unusable)
    return out


def score_signals(
    signals: Signals, config: Config, as_of: date
) -> dict[str, np.ndarray]:
    """Each signal's points per account, by the contract's tier tables."""
    tiers, icp = config.tiers, config.icp
    employees = signals.counts["employees"]
    active = signals.counts["active_users_30d"]
    previous = signals.counts["active_users_prev_30d"]
    tech = count_matches(signals.lists["technologies"], icp.technologies)
    tools = count_matches(signals.lists["enterprise_tools"], icp.enterprise_tools)
    features = signals.lists["features_used"]
    with np.errstate(invalid="ignore"):
        return {
            "size": _tier(
                [
                    employees >= tiers.large_company_employees,
                    employees >= tiers.mid_company_employees,
                ],
                [100, 75],
                50,
            ),
            "industry": _membership(
                signals.texts["industry"],
                icp.target_industries,
                icp.adjacent_industries,
                100,
                60,
                30,
            ),
            "tech": _tier(
                [tech >= tiers.strong_tech_matches, tech >= 1], [100, 60], 40
            ),
            "geography": _membership(
                signals.texts["country"],
                icp.target_countries,
                icp.supported_countries,
                100,
                70,
                40,
            ),
            "budget": _tier(
                [tools >= tiers.strong_tool_matches, tools >= 1], [100, 60], 30
            ),
            "users": _tier(
                [
                    active >= tiers.many_active_users,
                    active >= tiers.some_active_users,
                    active >= 1,
                ],
                [100, 75, 50],
                0,
            ),
            "depth": _tier(
                [
                    count_matches(features, icp.power_features) > 0,
                    count_matches(features, icp.core_features) > 0,
                ],
                [100, 60],
                30,
            ),
            "velocity": _velocity_points(signals, config),
            "expansion": _tier(
                [
                    (signals.counts["seat_requests_30d"] > 0)
                    | (signals.counts["limit_hits_30d"] > 0),
                    active > previous,
                ],
                [100, 60],
                30,
            ),
            "recency": _recency_points(signals, as_of),
        }


def _tier(conditions: list[np.ndarray], points: list[int], floor: int) -> np.ndarray:
    """The first tier whose condition holds; NaN comparisons fall to the floor."""
    out = np.full(len(conditions[0]), floor, dtype=np.int64)
    # Lower tiers are written first so that a higher one overwrites them.
    for condition, value in reversed(list(zip(conditions, points, strict=True))):
        out[condition] = value
    return out


def _membership(
    values: pa.Array,
    best: tuple[str, ...],
    good: tuple[str, ...],
    best_points: int,
    good_points: int,
    floor: int,
) -> np.ndarray:
    return _tier(
        [is_one_of(values, best), is_one_of(values, good)],
        [best_points, good_points],
        floor,
    )


def _velocity_points(signals: Signals, config: Config) -> np.ndarray:
    tiers = config.tiers
    # NaN (never activated, bad date) and a negative span (activated before
    # signing up, a data error) both fail every comparison below.
    span = signals.days["activated_date"] - signals.days["signup_date"]
    valid = span >= 0
    return _tier(
        [
            valid & (span <= tiers.fast_activation_days),
            valid & (span <= tiers.normal_activation_days),
        ],
        [100, 60],
        30,
    )


def _recency_points(signals: Signals, as_of: date) -> np.ndarray:
    # A last-active date after as_of (a backdated rerun on today's data) is
    # read as active on as_of itself.
    idle = np.maximum(day_number(as_of) - signals.days["last_active_date"], 0)
    return _tier([idle <= 1, idle <= 7, idle <= 30], [100, 70, 40], 0)


def _weighted_hundredths(
    points: dict[str, np.ndarray], weights: dict[str, int]
) -> np.ndarray:
    """Sum of points x percent weight: the score in exact hundredths."""
    total = np.zeros(len(next(iter(points.values()))), dtype=np.int64)
    for signal, weight in weights.items():
        total += points[signal] * weight
    return total


def assign_dispositions(
    fit: np.ndarray, readiness: np.ndarray, config: Config
) -> np.ndarray:
    """The 2x2 of the contract on scores in hundredths, as DISPOSITIONS indexes."""
    high_fit = fit >= config.thresholds.fit_hundredths
    ready = readiness >= config.thresholds.readiness_hundredths
    # 0 sales_engage, 1 activation_assist, 2 self_service_continue, 3 nurture
    return (~high_fit).astype(np.int8) * 2 + (~ready).astype(np.int8)


def describe_unusable(bits: np.ndarray) -> pd.Series:
    """Turn each account's bit mask of unusable fields into ';'-joined names."""
    return describe_flags(bits, UNUSABLE_ORDER)


def describe_flags(bits: np.ndarray, names: tuple[str, ...]) -> pd.Series:
    """';'-joined names of the set bits, phrased once per distinct mask."""
    distinct, inverse = np.unique(bits, return_inverse=True)
    labels = [
        ";".join(name for i, name in enumerate(names) if int(code) >> i & 1)
        for code in distinct
    ]
    return _labels(tuple(labels), inverse.reshape(-1))


def _labels(labels: tuple[str, ...], codes: np.ndarray) -> pd.Series:
    """Text column from small integer codes, gathered in Arrow."""
    gathered = pa.array(labels, pa.string()).take(pa.array(codes))
    return gathered.to_pandas()


def _text_or_empty(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), dtype="string")
    return frame[column].astype("string").fillna("").str.strip()
