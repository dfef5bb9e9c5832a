"""Properties: any value in any column scores in range, never raises."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pqa.scoring import DISPOSITIONS, EXIT_STATES
from pqa.signals import CANONICAL_COLUMNS
from tests.factories import make_config, score_frame

SIGNAL_COLUMNS = [c for c in CANONICAL_COLUMNS if c != "account_id"]
PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CONFIG = make_config()
AS_OF = date(2026, 3, 1)

GARBAGE = st.sampled_from(
    (
        "", " ", "n/a", "NaN", "-1", "1.5", "1e400", "inf", "2026-02-30",
        "snowflake", "dbt;SEGMENT", " US ", "software", "sso;api", "2026-02-28",
        "0x10", ";;",
    )
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    GARBAGE,
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(st.one_of(st.none(), st.text(max_size=8), GARBAGE), max_size=4),
)
ROWS = st.fixed_dictionaries({column: VALUES for column in SIGNAL_COLUMNS})
HUNDREDTHS = st.integers(min_value=0, max_value=10_000)


def _frame(rows: list[dict]) -> pd.DataFrame:
    # object columns keep each value as drawn: pandas would otherwise turn a
    # column of 0 and None into 0.0 and NaN, a different input.
    return pd.DataFrame(
        [{"account_id": f"acc-{i}", **row} for i, row in enumerate(rows)],
        columns=list(CANONICAL_COLUMNS),
        dtype=object,
    )


def _assert_valid(scored: pd.DataFrame, fit_at: float, ready_at: float) -> None:
    assert scored["fit_score"].between(0, 100).all()
    assert scored["readiness_score"].between(0, 100).all()
    assert (scored["fit_score"] * 100).round(6).mod(1).eq(0).all()
    for _, row in scored.iterrows():
        high_fit = row["fit_score"] >= fit_at
        ready = row["readiness_score"] >= ready_at
        expected = DISPOSITIONS[(not high_fit) * 2 + (not ready)]
        assert row["disposition"] == expected
        assert row["exit_state"] == EXIT_STATES[expected]
        assert len(row["top_signals"].split("; ")) <= 3


@PROPERTY_SETTINGS
@given(row=ROWS)
def test_score_accounts_any_row_scores_in_range(row: dict) -> None:
    scored = score_frame(_frame([row]), CONFIG, AS_OF)

    assert len(scored) == 1
    assert scored["disposition"].iloc[0] in DISPOSITIONS
    _assert_valid(scored, 70, 70)


@PROPERTY_SETTINGS
@given(row=ROWS, fit=HUNDREDTHS, readiness=HUNDREDTHS)
def test_score_accounts_disposition_follows_thresholds(
    row: dict, fit: int, readiness: int
) -> None:
    config = make_config(thresholds={"fit": fit / 100, "readiness": readiness / 100})

    scored = score_frame(_frame([row]), config, AS_OF)

    _assert_valid(scored, fit / 100, readiness / 100)


@PROPERTY_SETTINGS
@given(rows=st.lists(ROWS, min_size=2, max_size=4))
def test_score_accounts_rows_do_not_affect_each_other(rows: list[dict]) -> None:
    together = score_frame(_frame(rows), CONFIG, AS_OF)

    for i, row in enumerate(rows):
        alone = score_frame(_frame([row]), CONFIG, AS_OF).iloc[0]
        mixed = together.iloc[i]
        for column in together.columns.drop("account_id"):
            assert mixed[column] == alone[column], column
