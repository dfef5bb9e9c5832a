"""Why an account scored as it did: its strongest signals, in human words.

Signals are ranked by their weighted points; a signal at its lowest tier did
not drive anything and is left out. Evidence text is built only for the
three signals that are kept, vectorised per signal over the accounts that
rank it, so a million accounts cost a few dozen column operations.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from pqa.config import FIT_SIGNALS, READINESS_SIGNALS, Config
from pqa.signals import Signals, day_number, match_terms

TOP_SIGNALS = 3
EVIDENCE_SEPARATOR = "; "
# Readiness first: on equal weight, usage says more about "why now" than
# firmographics do.
RANKED = (*READINESS_SIGNALS, *FIT_SIGNALS)
FLOORS = {
    "size": 50, "industry": 30, "tech": 40, "geography": 40, "budget": 30,
    "users": 0, "depth": 30, "velocity": 30, "expansion": 30, "recency": 0,
}  # fmt: skip

Evidence = Callable[[Signals, np.ndarray, Config, date], np.ndarray]


def explain_top_signals(
    signals: Signals, points: dict[str, np.ndarray], config: Config, as_of: date
) -> tuple[np.ndarray, np.ndarray]:
    """The names and the evidence of each account's strongest signals.

    Returns two object arrays: ";"-joined signal names and
    EVIDENCE_SEPARATOR-joined evidence, both "" for an account with none.
    """
    weights = {
        **config.fit.weights.model_dump(),
        **config.readiness.weights.model_dump(),
    }
    strength = np.column_stack(
        [np.where(points[s] > FLOORS[s], points[s] * weights[s], 0) for s in RANKED]
    )
    order = np.argsort(-strength, axis=1, kind="stable")[:, :TOP_SIGNALS]
    kept = np.take_along_axis(strength, order, axis=1) > 0
    names = _join_slots([_slot_names(order[:, k], kept[:, k]) for k in range(3)], ";")
    evidence = [
        _slot_evidence(signals, order[:, k], kept[:, k], config, as_of)
        for k in range(TOP_SIGNALS)
    ]
    return names, _join_slots(evidence, EVIDENCE_SEPARATOR)


def _slot_names(slot: np.ndarray, kept: np.ndarray) -> np.ndarray:
    return np.where(kept, np.array(RANKED, dtype=object)[slot], "")


def _slot_evidence(
    signals: Signals, slot: np.ndarray, kept: np.ndarray, config: Config, as_of: date
) -> np.ndarray:
    text = np.full(len(slot), "", dtype=object)
    for index, signal in enumerate(RANKED):
        rows = np.flatnonzero(kept & (slot == index))
        if rows.size:
            text[rows] = EVIDENCE[signal](signals, rows, config, as_of)
    return text


def _join_slots(slots: list[np.ndarray], separator: str) -> np.ndarray:
    joined = pd.Series(slots[0], dtype="string")
    for slot in slots[1:]:
        part = pd.Series(slot, dtype="string")
        joined = joined.where(part == "", joined + separator + part)
    return joined.to_numpy(dtype=object)


def _counted(values: np.ndarray, one: str, many: str) -> np.ndarray:
    """'1 active user in 30 days' / '9 active users in 30 days'."""
    numbers = pd.Series(values.astype(np.int64)).map("{:,}".format)
    phrase = np.where(values == 1, one, many)
    return (numbers + pd.Series(phrase, dtype=object)).to_numpy(dtype=object)


def _phrase_terms(matrix: np.ndarray, terms: tuple[str, ...]) -> np.ndarray:
    """Name the matched terms: 'Snowflake', 'Snowflake and dbt', 'a, b and c'."""
    codes = pd.Series((matrix << np.arange(len(terms))).sum(axis=1))

    def phrase(code: int) -> str:
        hits = [t for i, t in enumerate(terms) if code >> i & 1]
        return " and ".join([", ".join(hits[:-1]), hits[-1]] if len(hits) > 1 else hits)

    return codes.map({c: phrase(c) for c in codes.unique()}).to_numpy(dtype=object)


def _users(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    active = signals.counts["active_users_30d"][rows]
    return _counted(active, " active user in 30 days", " active users in 30 days")


def _depth(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    features = signals.lists["features_used"].iloc[rows]
    power = match_terms(features, config.icp.power_features)
    core = match_terms(features, config.icp.core_features)
    return np.where(
        power.any(axis=1),
        "uses power features " + _phrase_terms(power, config.icp.power_features),
        "uses core features " + _phrase_terms(core, config.icp.core_features),
    )


def _velocity(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    span = signals.days["activated_date"][rows] - signals.days["signup_date"][rows]
    after = _counted(span, " day after signup", " days after signup")
    return np.where(span == 0, "activated on signup day", "activated " + after)


def _expansion(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    seats = np.nan_to_num(signals.counts["seat_requests_30d"][rows])
    limits = np.nan_to_num(signals.counts["limit_hits_30d"][rows])
    asked = "requested " + _counted(seats, " more seat", " more seats")
    hit = "hit plan limits " + _counted(limits, " time", " times")
    now = pd.Series(signals.counts["active_users_30d"][rows]).map("{:,.0f}".format)
    before = pd.Series(signals.counts["active_users_prev_30d"][rows])
    grew = ("active users grew from " + before.fillna(0).map("{:,.0f}".format)
            + " to " + now).to_numpy(dtype=object)  # fmt: skip
    return np.select(
        [(seats > 0) & (limits > 0), seats > 0, limits > 0],
        [asked + " and " + hit, asked, hit],
        default=grew,
    )


def _recency(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    last = signals.days["last_active_date"][rows]
    idle = np.maximum(day_number(as_of) - last, 0)
    ago = "last active " + _counted(idle, " day ago", " days ago")
    return np.select(
        [idle == 0, idle == 1], ["last active today", "last active yesterday"], ago
    )


def _size(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    return _counted(signals.counts["employees"][rows], " employee", " employees")


def _industry(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    industry = signals.texts["industry"].iloc[rows].to_numpy(dtype=object)
    target = np.isin(industry, [v.lower() for v in config.icp.target_industries])
    kind = np.where(target, "in target industry ", "in adjacent industry ")
    return kind + industry


def _tech(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    terms = config.icp.technologies
    matrix = match_terms(signals.lists["technologies"].iloc[rows], terms)
    return "uses " + _phrase_terms(matrix, terms)


def _geography(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    country = signals.texts["country"].iloc[rows].str.upper().to_numpy(dtype=object)
    target = np.isin(country, [v.upper() for v in config.icp.target_countries])
    kind = np.where(target, ", a target country", ", a supported country")
    return "based in " + country + kind


def _budget(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    terms = config.icp.enterprise_tools
    matrix = match_terms(signals.lists["enterprise_tools"].iloc[rows], terms)
    return "pays for " + _phrase_terms(matrix, terms)


EVIDENCE: dict[str, Evidence] = {
    "users": _users,
    "depth": _depth,
    "velocity": _velocity,
    "expansion": _expansion,
    "recency": _recency,
    "size": _size,
    "industry": _industry,
    "tech": _tech,
    "geography": _geography,
    "budget": _budget,
}
