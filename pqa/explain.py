"""Why an account scored as it did: its strongest signals, in human words.

Signals are ranked by their weighted points; a signal at its lowest tier did
not drive anything and is left out. Evidence repeats a lot (thousands of
accounts have "3 active users in 30 days"), so each signal's evidence is
phrased once per distinct value and the accounts point at their phrase; the
phrases are then gathered and joined in Arrow, never per account in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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

# Evidence of a signal for some accounts: the distinct phrases, and for each
# account the index of its phrase.
Phrases = tuple[list[str], np.ndarray]
Evidence = Callable[[Signals, np.ndarray, Config, date], Phrases]


def explain_top_signals(
    signals: Signals, points: dict[str, np.ndarray], config: Config, as_of: date
) -> tuple[pa.Array, pa.Array]:
    """The names and the evidence of each account's strongest signals.

    Returns two Arrow string arrays: ";"-joined signal names and
    EVIDENCE_SEPARATOR-joined evidence, both "" for an account with none.
    """
    weights = {
        **config.fit.weights.model_dump(),
        **config.readiness.weights.model_dump(),
    }
    order, kept = _rank(points, weights)
    # One flat entry per (account, kept slot), in account order, so that the
    # evidence of each account is a contiguous run joined once in Arrow.
    flat = np.flatnonzero(kept.ravel())
    rows, ranked = flat // TOP_SIGNALS, order.ravel()[flat]
    offsets = pa.array(np.concatenate([[0], np.cumsum(kept.sum(axis=1))]), pa.int32())
    phrases: list[str] = []
    codes = np.empty(len(flat), dtype=np.int64)
    for index, signal in enumerate(RANKED):
        chosen = np.flatnonzero(ranked == index)
        if chosen.size:
            labels, inverse = EVIDENCE[signal](signals, rows[chosen], config, as_of)
            codes[chosen] = inverse + len(phrases)
            phrases.extend(labels)
    evidence = pa.array(phrases, pa.string()).take(pa.array(codes))
    return _name_runs(order, kept), _join_runs(offsets, evidence, EVIDENCE_SEPARATOR)


def _name_runs(order: np.ndarray, kept: np.ndarray) -> pa.Array:
    """';'-joined names of the kept signals, phrased once per distinct ranking."""
    slots = np.where(kept, order + 1, 0)  # 0 marks an empty slot
    codes = (slots * np.array([121, 11, 1])).sum(axis=1)
    distinct, inverse = np.unique(codes, return_inverse=True)
    labels = [
        ";".join(RANKED[s - 1] for s in (c // 121, c // 11 % 11, c % 11) if s)
        for c in distinct.tolist()
    ]
    return pa.array(labels, pa.string()).take(pa.array(inverse.reshape(-1)))


def _rank(
    points: dict[str, np.ndarray], weights: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Each account's TOP_SIGNALS strongest signals as RANKED indexes.

    Returns (order, kept): order[i, k] is the k-th strongest signal of
    account i, and kept[i, k] says whether it rose above its lowest tier.
    """
    n = len(points[RANKED[0]])
    keys = np.empty((n, len(RANKED)), dtype=np.int32)
    for column, signal in enumerate(RANKED):
        strength = (points[signal] > FLOORS[signal]) * points[signal] * weights[signal]
        # Strength first, then the RANKED order: every key in a row differs.
        keys[:, column] = strength * 16 + (15 - column)
    order = np.empty((n, TOP_SIGNALS), dtype=np.int64)
    kept = np.empty((n, TOP_SIGNALS), dtype=bool)
    every = np.arange(n)
    for k in range(TOP_SIGNALS):
        best = keys.argmax(axis=1)
        order[:, k], kept[:, k] = best, keys[every, best] >= 16
        keys[every, best] = -1
    return order, kept


def _join_runs(offsets: pa.Array, values: pa.Array, separator: str) -> pa.Array:
    return pc.binary_join(pa.ListArray.from_arrays(offsets, values), separator)


def _phrase(keys: Sequence[np.ndarray], phrase: Callable[..., str]) -> Phrases:
    """Phrase each distinct combination of keys once (NaN keys become -1)."""
    columns = [np.nan_to_num(key, nan=-1).astype(np.int64) for key in keys]
    combined, bound = np.zeros(len(columns[0]), dtype=np.int64), 1
    for column in columns:
        # One-dimensional uniques are fast; mix their ranks into one code and
        # re-rank only when the code could outgrow 64 bits.
        values, ranks = np.unique(column, return_inverse=True)
        if bound * len(values) >= 2**62:
            combined = np.unique(combined, return_inverse=True)[1].reshape(-1)
            bound = int(combined.max()) + 1
        combined = combined * len(values) + ranks.reshape(-1)
        bound *= len(values)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    labels = [phrase(*(int(column[i]) for column in columns)) for i in first]
    return labels, inverse.reshape(-1)


def _count(value: int, noun: str) -> str:
    return f"{value:,} {noun}" + ("" if value == 1 else "s")


def _terms(code: int, terms: Sequence[str]) -> str:
    """Name the terms whose bits are set: 'a', 'a and b', 'a, b and c'."""
    hits = [term for i, term in enumerate(terms) if code >> i & 1]
    if len(hits) < 2:
        return "".join(hits)
    return ", ".join(hits[:-1]) + " and " + hits[-1]


def _term_code(matrix: np.ndarray) -> np.ndarray:
    return (matrix.astype(np.int64) << np.arange(matrix.shape[1])).sum(axis=1)


def _index_in(texts: pa.Array, rows: np.ndarray, values: Sequence[str]) -> np.ndarray:
    """Position of each account's text among the values, -1 if absent."""
    value_set = pa.array([v.strip().lower() for v in values], pa.string())
    found = pc.index_in(texts.take(pa.array(rows)), value_set=value_set)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)


def _users(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    active = signals.counts["active_users_30d"][rows]
    return _phrase([active], lambda n: _count(n, "active user") + " in 30 days")


def _depth(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    icp = config.icp
    features = signals.lists["features_used"].take(pa.array(rows))
    power = _term_code(match_terms(features, icp.power_features))
    core = _term_code(match_terms(features, icp.core_features))

    def phrase(power: int, core: int) -> str:
        if power:
            return "uses power features " + _terms(power, icp.power_features)
        return "uses core features " + _terms(core, icp.core_features)

    return _phrase([power, core], phrase)


def _velocity(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    span = signals.days["activated_date"][rows] - signals.days["signup_date"][rows]

    def phrase(days: int) -> str:
        if days == 0:
            return "activated on signup day"
        return "activated " + _count(days, "day") + " after signup"

    return _phrase([span], phrase)


def _expansion(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    counts = signals.counts
    keys = [
        counts[field][rows]
        for field in (
            "seat_requests_30d",
            "limit_hits_30d",
            "active_users_prev_30d",
            "active_users_30d",
        )
    ]

    def phrase(seats: int, limits: int, before: int, now: int) -> str:
        asked = "requested " + _count(seats, "more seat")
        hit = "hit plan limits " + _count(limits, "time")
        if seats > 0 and limits > 0:
            return f"{asked} and {hit}"
        if seats > 0 or limits > 0:
            return asked if seats > 0 else hit
        return f"active users grew from {max(before, 0):,} to {now:,}"

    return _phrase(keys, phrase)


def _recency(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    idle = np.maximum(day_number(as_of) - signals.days["last_active_date"][rows], 0)

    def phrase(days: int) -> str:
        if days <= 1:
            return "last active " + ("today" if days == 0 else "yesterday")
        return "last active " + _count(days, "day") + " ago"

    return _phrase([idle], phrase)


def _size(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    employees = signals.counts["employees"][rows]
    return _phrase([employees], lambda n: _count(n, "employee"))


def _industry(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    icp = config.icp
    return _in_list(
        signals.texts["industry"],
        rows,
        (icp.target_industries, "in target industry {}"),
        (icp.adjacent_industries, "in adjacent industry {}"),
    )


def _in_list(
    texts: pa.Array,
    rows: np.ndarray,
    best: tuple[tuple[str, ...], str],
    good: tuple[tuple[str, ...], str],
) -> Phrases:
    """Name the ICP entry an account's text matched, in the ICP's spelling.

    `best` and `good` are (ICP list, phrase template); the signal only ranks
    when the text is in one of them, so every account matches one.
    """
    (best_values, best_phrase), (good_values, good_phrase) = best, good
    in_best = _index_in(texts, rows, best_values)
    in_good = _index_in(texts, rows, good_values)

    def phrase(first: int, second: int) -> str:
        if first >= 0:
            return best_phrase.format(best_values[first])
        return good_phrase.format(good_values[second])

    return _phrase([in_best, in_good], phrase)


def _tech(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    terms = config.icp.technologies
    lists = signals.lists["technologies"].take(pa.array(rows))
    code = _term_code(match_terms(lists, terms))
    return _phrase([code], lambda code: "uses " + _terms(code, terms))


def _geography(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    icp = config.icp
    return _in_list(
        signals.texts["country"],
        rows,
        (icp.target_countries, "based in {}, a target country"),
        (icp.supported_countries, "based in {}, a supported country"),
    )


def _budget(signals: Signals, rows: np.ndarray, config: Config, as_of: date):
    terms = config.icp.enterprise_tools
    lists = signals.lists["enterprise_tools"].take(pa.array(rows))
    code = _term_code(match_terms(lists, terms))
    return _phrase([code], lambda code: "pays for " + _terms(code, terms))


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
