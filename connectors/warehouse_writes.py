"""Writers of the warehouse connector, and the Parquet snapshots of each run.

Each writer takes a DataFrame or a list of dicts, keeps the columns its table
has, and writes everything in one transaction, in chunks of `CHUNK_ROWS` rows
so memory and SQLite's limits stay flat on large frames.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from connectors.warehouse_engine import database_errors
from pqa.errors import ConnectorError, InputError
from pqa.schema import (
    CHANNELS,
    FEEDBACK_KINDS,
    account_state,
    lifecycle_moments,
    outbox,
    pqa_records,
    runs,
    sales_feedback,
)

logger = logging.getLogger(__name__)

CHUNK_ROWS = 10_000

Rows = pd.DataFrame | Iterable[Mapping[str, Any]]

_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _now() -> datetime:
    return datetime.now(UTC)


def _as_text(value: Any) -> Any:
    # Lists and mappings (top signals, payloads) are kept as JSON text.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _column_values(series: pd.Series, column: sa.Column[Any]) -> list[Any]:
    """Convert one column to plain Python values the driver accepts, None if missing."""
    kind = column.type
    values: list[Any]
    if isinstance(kind, sa.DateTime):
        stamps = pd.to_datetime(series, utc=True)
        values = [None if pd.isna(v) else v.to_pydatetime() for v in stamps]
    elif isinstance(kind, sa.Date):
        values = pd.to_datetime(series).dt.date.tolist()
    elif isinstance(kind, sa.Float):
        values = pd.to_numeric(series).astype(float).tolist()
    elif isinstance(kind, sa.Integer):
        values = pd.to_numeric(series).astype("Int64").tolist()
    elif isinstance(kind, sa.Boolean):
        values = [bool(v) for v in series.fillna(False).tolist()]
    else:
        values = [_as_text(v) for v in series.tolist()]
    fill = _missing_value(column)
    # pandas marks a gap as NaN, NA or NaT by dtype; the driver wants None.
    present = series.notna().tolist()
    return [v if ok else fill for v, ok in zip(values, present, strict=True)]


def _missing_value(column: sa.Column[Any]) -> Any:
    default = column.default
    if default is not None and default.is_scalar:
        return getattr(default, "arg", None)
    if isinstance(column.type, sa.DateTime) and not column.nullable:
        return _now()
    return None


def _prepare(rows: Rows, table: sa.Table) -> dict[str, list[Any]]:
    """Keep the table's columns from `rows`, as lists of values ready to bind."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    prepared = {
        column.name: _column_values(frame[column.name], column)
        for column in table.columns
        if column.name in frame.columns
    }
    for column in table.columns:
        # Stamps of when a row was kept are ours to set when the caller has none.
        stamp = isinstance(column.type, sa.DateTime) and not column.nullable
        if stamp and column.name not in prepared and len(frame):
            prepared[column.name] = [_now()] * len(frame)
    return prepared if len(frame) else {}


def _row_count(columns: dict[str, list[Any]]) -> int:
    return len(next(iter(columns.values()), []))


def _chunks(columns: dict[str, list[Any]]) -> Iterator[list[dict[str, Any]]]:
    names = list(columns)
    for start in range(0, _row_count(columns), CHUNK_ROWS):
        sliced = [columns[name][start : start + CHUNK_ROWS] for name in names]
        rows = zip(*sliced, strict=True)
        yield [dict(zip(names, row, strict=True)) for row in rows]


def _insert(engine: sa.Engine, table: sa.Table, rows: Rows) -> int:
    return insert_together(engine, [(table, rows)])


def insert_together(engine: sa.Engine, writes: Iterable[tuple[sa.Table, Rows]]) -> int:
    """Append rows to several tables in one transaction: all land or none.

    A play's deliveries go in together so that a retried task never finds
    half of them written and writes that half twice.
    """
    prepared = [(table, _prepare(rows, table)) for table, rows in writes]
    prepared = [(table, cols) for table, cols in prepared if _row_count(cols)]
    if not prepared:
        return 0
    names = ", ".join(table.name for table, _ in prepared)
    with database_errors(f"writing to {names}"), engine.begin() as conn:
        for table, columns in prepared:
            for chunk in _chunks(columns):
                conn.execute(table.insert(), chunk)
    for table, columns in prepared:
        logger.info("Wrote %s rows to %s", _row_count(columns), table.name)
    return sum(_row_count(columns) for _, columns in prepared)


def _upsert_statement(
    dialect: str,
    table: sa.Table,
    key: str,
    columns: Iterable[str],
    newest: str | None,
) -> sa.Executable:
    stmt = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
    updates = {name: stmt.excluded[name] for name in columns if name != key}
    # With `newest`, an older row never replaces a newer one.
    where = table.c[newest] <= stmt.excluded[newest] if newest else None
    return stmt.on_conflict_do_update(index_elements=[key], set_=updates, where=where)


def _last_per_key(columns: dict[str, list[Any]], key: str) -> dict[str, list[Any]]:
    # One statement must not touch a row twice; the last row for a key wins.
    last = {value: index for index, value in enumerate(columns[key])}
    if len(last) == len(columns[key]):
        return columns
    keep = sorted(last.values())
    return {name: [values[i] for i in keep] for name, values in columns.items()}


def _upsert(
    engine: sa.Engine,
    table: sa.Table,
    rows: Rows,
    key: str,
    newest: str | None = None,
) -> int:
    columns = _prepare(rows, table)
    if not _row_count(columns):
        return 0
    columns = _last_per_key(columns, key)
    dialect = engine.dialect.name
    with database_errors(f"writing to {table.name}"), engine.begin() as conn:
        for chunk in _chunks(columns):
            if dialect in ("sqlite", "postgresql"):
                stmt = _upsert_statement(dialect, table, key, columns, newest)
                conn.execute(stmt, chunk)
            else:
                # Portable fallback: replace the rows inside this transaction.
                # TODO: honour `newest` here too; only SQLite and PostgreSQL
                # are supported warehouses today, and both take the path above.
                keys = [row[key] for row in chunk]
                conn.execute(table.delete().where(table.c[key].in_(keys)))
                conn.execute(table.insert(), chunk)
    logger.info("Saved %s rows to %s", _row_count(columns), table.name)
    return _row_count(columns)


def record_run_start(
    engine: sa.Engine,
    *,
    run_id: str,
    as_of: date,
    dry_run: bool,
    flow_run_id: str | None,
) -> None:
    """Record that a run started; a retried start overwrites the first one."""
    row = {
        "run_id": run_id,
        "as_of": as_of,
        "started_at": _now(),
        "dry_run": dry_run,
        "flow_run_id": flow_run_id,
    }
    _upsert(engine, runs, [row], key="run_id")


def record_run_finish(
    engine: sa.Engine,
    *,
    run_id: str,
    evaluated: int,
    summary: Mapping[str, Any],
    snapshot_path: str | Path | None,
) -> None:
    """Record a run's end: how many accounts it evaluated and what it decided."""
    values = {
        "finished_at": _now(),
        "evaluated": int(evaluated),
        "summary_json": json.dumps(summary, default=str, sort_keys=True),
        "snapshot_path": None if snapshot_path is None else str(snapshot_path),
    }
    stmt = sa.update(runs).where(runs.c.run_id == run_id).values(values)
    with database_errors("recording the end of a run"), engine.begin() as conn:
        updated = conn.execute(stmt).rowcount
    if not updated:
        raise ConnectorError(
            f"The warehouse has no run {run_id} to finish; record its start first."
        )


def save_account_state(engine: sa.Engine, rows: Rows) -> int:
    """Upsert the last decision that acted, one row per account.

    A backdated rerun never replaces the state of a later day, which the next
    run's change detection relies on.
    """
    return _upsert(engine, account_state, rows, key="account_id", newest="evaluated_on")


def insert_pqa_records(engine: sa.Engine, rows: Rows) -> int:
    """Append PQA records; status 'qualified', action 'sales_outreach' by default."""
    return _insert(engine, pqa_records, rows)


def insert_lifecycle_moments(engine: sa.Engine, rows: Rows) -> int:
    """Append lifecycle moments ('pls_evaluated' unless given)."""
    return _insert(engine, lifecycle_moments, rows)


def insert_outbox(engine: sa.Engine, rows: Rows) -> int:
    """Append deliveries to the outbox; lists and dicts are stored as JSON text."""
    return _insert(engine, outbox, check_outbox(rows))


def record_sales_handoff(engine: sa.Engine, *, deliveries: Rows, pqas: Rows) -> int:
    """Keep a handoff's outbox deliveries and its PQA records in one transaction."""
    return insert_together(
        engine, [(outbox, check_outbox(deliveries)), (pqa_records, pqas)]
    )


def check_outbox(rows: Rows) -> pd.DataFrame:
    """Refuse deliveries on a channel the outbox does not know."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if "channel" in frame.columns:
        unknown = sorted(set(frame["channel"].dropna()) - set(CHANNELS))
        if unknown:
            raise InputError(
                f"Outbox channel {unknown[0]!r} is unknown; use one of "
                f"{', '.join(CHANNELS)}."
            )
    return frame


def record_feedback(
    engine: sa.Engine,
    *,
    account_id: str,
    kind: str,
    recorded_on: date,
    note: str | None = None,
) -> bool:
    """Record that sales accepted or declined an account.

    The account's latest PQA record takes the matching status, and an accept
    moves the account's exit state to 'sales_engaged'.

    Returns:
        Whether the account had a PQA record to update.
    """
    if kind not in FEEDBACK_KINDS:
        raise InputError(
            f"Feedback kind {kind!r} is unknown; use 'decline' or 'accept'."
        )
    row = {
        "account_id": account_id,
        "kind": kind,
        "recorded_on": recorded_on,
        "recorded_at": _now(),
        "note": note,
    }
    status = "accepted" if kind == "accept" else "declined"
    with database_errors("recording sales feedback"), engine.begin() as conn:
        conn.execute(sa.insert(sales_feedback), row)
        marked = _mark_latest_pqa(conn, account_id, status)
        if kind == "accept":
            conn.execute(
                sa.update(account_state)
                .where(account_state.c.account_id == account_id)
                .values(exit_state="sales_engaged")
            )
    logger.info("Recorded %s feedback for account %s", kind, account_id)
    return marked


def _mark_latest_pqa(conn: sa.Connection, account_id: str, status: str) -> bool:
    latest = (
        sa.select(pqa_records.c.id)
        .where(pqa_records.c.account_id == account_id)
        .order_by(pqa_records.c.qualified_on.desc(), pqa_records.c.id.desc())
        .limit(1)
    )
    record_id = conn.execute(latest).scalar()
    if record_id is None:
        return False
    conn.execute(
        sa.update(pqa_records)
        .where(pqa_records.c.id == record_id)
        .values(status=status)
    )
    return True


def read_outbox(
    engine: sa.Engine, *, run_id: str | None = None, channel: str | None = None
) -> pd.DataFrame:
    """Read the kept deliveries, oldest first, optionally of one run or channel."""
    stmt = sa.select(outbox).order_by(outbox.c.id)
    if run_id is not None:
        stmt = stmt.where(outbox.c.run_id == run_id)
    if channel is not None:
        stmt = stmt.where(outbox.c.channel == channel)
    with database_errors("reading the outbox"), engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[ns]")
    for column in ("created_at", "delivered_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def write_snapshot(
    frame: pd.DataFrame, folder: Path, run_id: str, *, as_of: date | None = None
) -> Path:
    """Write one run's full evaluation as Parquet, partitioned by as_of.

    The file is folder/as_of=YYYY-MM-DD/<run_id>.parquet; `as_of` defaults to
    the frame's single as_of value. It is written aside and renamed, so a
    reader never sees half a file.
    """
    if not _SAFE_FILE_NAME.fullmatch(run_id):
        raise InputError(f"Run id {run_id!r} cannot name a snapshot file.")
    if as_of is None and "as_of" in frame.columns and frame["as_of"].nunique() == 1:
        as_of = pd.Timestamp(frame["as_of"].iloc[0]).date()
    target = Path(folder) / f"as_of={as_of.isoformat()}" if as_of else Path(folder)
    path = target / f"{run_id}.parquet"
    partial = target / f".{run_id}.parquet.partial"
    try:
        target.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(partial, index=False)
        os.replace(partial, path)
    except OSError as exc:
        raise ConnectorError(f"Cannot write the snapshot {path}: {exc}.") from exc
    logger.info("Wrote snapshot of %s rows to %s", len(frame), path)
    return path


def read_snapshot(path: str | Path) -> pd.DataFrame:
    """Read a snapshot written by `write_snapshot`."""
    try:
        return pd.read_parquet(path)
    except OSError as exc:
        raise ConnectorError(f"Cannot read the snapshot {path}: {exc}.") from exc
