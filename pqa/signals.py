"""Canonical signals: reading them and making messy values usable.

Every column of the contract is normalised here, vectorised over the whole
frame, into plain numpy arrays the scoring core can compare. A value that is
missing, empty, negative, not whole or unparseable becomes "missing" (NaN or
an empty text) so that it scores the lowest tier, and the account remembers
which fields were unusable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pqa.errors import InputError

logger = logging.getLogger(__name__)

COUNT_FIELDS = (
    "employees",
    "active_users_30d",
    "active_users_prev_30d",
    "seat_requests_30d",
    "limit_hits_30d",
)
TEXT_FIELDS = ("industry", "country")
LIST_FIELDS = ("technologies", "enterprise_tools", "features_used")
DATE_FIELDS = ("signup_date", "activated_date", "last_active_date")
CANONICAL_COLUMNS = (
    "account_id",
    "name",
    "domain",
    *COUNT_FIELDS,
    *TEXT_FIELDS,
    *LIST_FIELDS,
    *DATE_FIELDS,
)
# Fields the contract lets an account leave empty: an empty optional field is
# a fact about the account (no activation yet, no known headcount), not a
# defect of the data, so it is not reported as unusable.
OPTIONAL_FIELDS = frozenset(
    {"employees", "industry", "country", "activated_date", "last_active_date"}
)
UNUSABLE_ORDER = (*COUNT_FIELDS, *TEXT_FIELDS, *LIST_FIELDS, *DATE_FIELDS)


@dataclass(frozen=True)
class Signals:
    """Normalised signals of a batch, one array entry per account.

    Counts are float64 with NaN for missing; texts are lower-cased Arrow
    strings with "" for missing; lists are lower-cased ";a;b;" Arrow strings;
    dates are day numbers (days since 1970-01-01) as float64, NaN if missing.
    """

    frame: pd.DataFrame
    counts: dict[str, np.ndarray]
    texts: dict[str, pa.Array]
    lists: dict[str, pa.Array]
    days: dict[str, np.ndarray]
    unusable: np.ndarray  # int64 bit mask, bit i = UNUSABLE_ORDER[i]

    def __len__(self) -> int:
        return len(self.frame)


def normalise_signals(frame: pd.DataFrame) -> Signals:
    """Normalise a frame of canonical signals; never raises for a bad value."""
    frame = frame.reset_index(drop=True)
    bits = np.zeros(len(frame), dtype=np.int64)
    counts, texts, lists, days = {}, {}, {}, {}
    for position, field in enumerate(UNUSABLE_ORDER):
        column = _column(frame, field)
        if field in COUNT_FIELDS:
            counts[field], bad = _parse_counts(column)
        elif field in TEXT_FIELDS:
            texts[field], bad = _parse_text(column)
        elif field in LIST_FIELDS:
            lists[field], bad = _parse_list(column)
        else:
            days[field], bad = _parse_dates(column)
        if field in OPTIONAL_FIELDS:
            bad = bad & _present(column)
        bits |= bad.astype(np.int64) << position
    return Signals(frame, counts, texts, lists, days, bits)


def _column(frame: pd.DataFrame, field: str) -> pd.Series:
    if field in frame.columns:
        return frame[field]
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def _as_text(column: pd.Series) -> pa.Array:
    """Any column as an Arrow string array; odd objects become their str()."""
    if column.dtype == object and _holds_sequences(column):
        column = _join_sequences(column)
    if not isinstance(column.dtype, pd.StringDtype):
        column = column.astype("string")
    return pa.array(column, from_pandas=True).cast(pa.string())


def _present(column: pd.Series) -> np.ndarray:
    """True where the input holds something other than an empty value."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(
        column
    ):
        return column.notna().to_numpy()
    text = pc.utf8_trim_whitespace(_as_text(column))
    filled = pc.fill_null(pc.not_equal(text, ""), False)
    return filled.to_numpy(zero_copy_only=False)


# Beyond 2**53 a float no longer tells whole numbers apart, and infinity is
# no count at all: both would also overflow the int64 of evidence text.
_LARGEST_COUNT = 2.0**53


def _parse_counts(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers >= 0; anything else is NaN and flagged."""
    if pd.api.types.is_bool_dtype(column):
        column = column.astype("object")
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
    else:
        text = column.astype("string").str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    with np.errstate(invalid="ignore"):
        usable = (values >= 0) & (values <= _LARGEST_COUNT)
        bad = ~(usable & (values == np.floor(values)))
    values = np.where(bad, np.nan, values)
    return values, bad


def _parse_text(column: pd.Series) -> tuple[pa.Array, np.ndarray]:
    """Lower-cased, stripped text; "" for missing."""
    text = pc.fill_null(pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(column))), "")
    return text, pc.equal(text, "").to_numpy(zero_copy_only=False)


def _parse_list(column: pd.Series) -> tuple[pa.Array, np.ndarray]:
    """A list as ";a;b;" lower-case text so that `;term;` finds one value."""
    text = _as_text(column)
    # An empty list is a valid answer (the account uses none), so only a value
    # that is missing altogether is reported as unusable.
    bad = pc.is_null(text).to_numpy(zero_copy_only=False)
    text = pc.utf8_lower(pc.fill_null(text, ""))
    if pc.any(pc.match_substring_regex(text, r"\s")).as_py():
        text = pc.replace_substring_regex(text, r"\s*;\s*", ";")
        text = pc.utf8_trim_whitespace(text)
    return pc.binary_join_element_wise(";", text, ";", ""), bad


# What pandas infers for a column of plain scalars; any other kind ("mixed")
# may hold a list in any row, not only the first.
_SCALAR_KINDS = frozenset(
    {
        "string", "empty", "integer", "floating", "mixed-integer-float",
        "decimal", "boolean", "datetime", "datetime64", "date", "time",
        "timedelta", "timedelta64", "bytes",
    }
)  # fmt: skip


def _holds_sequences(column: pd.Series) -> bool:
    return pd.api.types.infer_dtype(column, skipna=True) not in _SCALAR_KINDS


def _join_sequences(column: pd.Series) -> pd.Series:
    """Parquet and warehouse list columns, joined by ';' in Arrow."""
    try:
        # Let Arrow infer the type: forced to list<string>, it would split a
        # plain text value that shares the column into its characters.
        values = pa.array(column.tolist(), from_pandas=True)
        values = values.cast(pa.list_(pa.string()))
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        return column.map(_join_one)
    # A null inside a list is no value; left in, it would null the whole join.
    kept = pc.is_valid(values.values)
    parents = pc.list_parent_indices(values).to_numpy()
    sizes = np.bincount(
        parents[kept.to_numpy(zero_copy_only=False)], minlength=len(values)
    )
    offsets = pa.array(np.concatenate([[0], np.cumsum(sizes)]), pa.int32())
    values = pa.ListArray.from_arrays(
        offsets, values.values.filter(kept), mask=values.is_null()
    )
    joined = pc.binary_join(values, ";")
    return pd.Series(joined.to_pandas(), index=column.index, dtype="string")


def _join_one(value: object) -> object:
    if isinstance(value, list | tuple | np.ndarray):
        return ";".join(str(v) for v in value if v is not None)
    return value


def match_terms(lists: pa.Array, terms: tuple[str, ...]) -> np.ndarray:
    """A boolean matrix: does each account's list hold each term?"""
    matrix = np.zeros((len(lists), len(terms)), dtype=bool)
    for j, term in enumerate(terms):
        found = pc.match_substring(lists, f";{term.strip().lower()};")
        matrix[:, j] = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return matrix


def count_matches(lists: pa.Array, terms: tuple[str, ...]) -> np.ndarray:
    """How many distinct terms each account's list holds."""
    return match_terms(lists, terms).sum(axis=1)


def is_one_of(texts: pa.Array, values: tuple[str, ...]) -> np.ndarray:
    """Is each (lower-cased) text one of the values, ignoring case?"""
    value_set = pa.array([v.strip().lower() for v in values], type=pa.string())
    return pc.is_in(texts, value_set=value_set).to_numpy(zero_copy_only=False)


_EPOCH = np.datetime64("1970-01-01", "D")


def _parse_dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers since 1970-01-01 as float64; NaN for missing or bad."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        text = column.astype("string").str.strip()
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    stamps = parsed.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(stamps)
    day_numbers = (stamps.astype("datetime64[D]") - _EPOCH).astype("float64")
    return np.where(missing, np.nan, day_numbers), missing


def day_number(when: date) -> int:
    """Days since 1970-01-01, the unit the dates are compared in."""
    return int((np.datetime64(when, "D") - _EPOCH).astype(np.int64))


def read_signals_file(path: Path) -> pd.DataFrame:
    """Read a CSV or Parquet file of signals and check it can be scored.

    Raises:
        InputError: the file is missing, not a table, lacks account_id or
            repeats an account_id.
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".parquet", ".pq"}:
        raise InputError(
            f"{path} is neither .csv nor .parquet; name the file by its format."
        )
    if not path.exists():
        raise InputError(f"Input file {path} does not exist.")
    try:
        if suffix == ".csv":
            # Read every cell as text: an empty cell stays "", so an empty
            # list is told apart from a missing one, and "n/a" in a number
            # column is reported as unusable instead of silently dropped.
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_parquet(path)
    except (ValueError, OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        # The reader's own message may span lines; the CLI prints one line.
        reason = " ".join(str(exc).split())
        raise InputError(f"{path} cannot be read as a table: {reason}") from exc
    return check_accounts(frame, source=str(path))


def check_accounts(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Refuse a table without unique account ids; drop rows that have none."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    if "account_id" not in frame.columns:
        raise InputError(
            f"{source} has no account_id column; every row needs the account's id."
        )
    ids = frame["account_id"].astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    if blank.any():
        logger.warning(
            "Skipped %s rows of %s without an account_id", blank.sum(), source
        )
    frame = frame.loc[~blank].assign(account_id=ids[~blank])
    repeated = frame["account_id"][frame["account_id"].duplicated()]
    if not repeated.empty:
        shown = ", ".join(repeated.unique()[:5])
        raise InputError(
            f"{source} repeats account_id {shown}; each account must appear once."
        )
    return frame.reset_index(drop=True)
