"""The warehouse connector: read signals, contacts and history; write decisions.

This module reads. Engines and migrations live in `warehouse_engine`, writers
and snapshots in `warehouse_writes`; both are re-exported here so callers
import one module. Accounts are read in contiguous ranges of account_id, each
computed and filtered in SQL, so a run never holds the whole warehouse.

Frames returned from the product's own tables carry dates as datetime64
columns and timestamps as UTC datetime64 columns, whatever the database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, TypeAlias

import pandas as pd
import sqlalchemy as sa

from connectors.warehouse_engine import (
    database_errors,
    dispose_engines,
    get_engine,
    upgrade_database,
)
from connectors.warehouse_writes import (
    insert_lifecycle_moments,
    insert_outbox,
    insert_pqa_records,
    read_outbox,
    read_snapshot,
    record_feedback,
    record_run_finish,
    record_run_start,
    record_sales_handoff,
    save_account_state,
    write_snapshot,
)
from pqa.config import Guardrails
from pqa.errors import InputError
from pqa.schema import (
    History,
    account_state,
    outbox,
    parse_table_name,
    pqa_records,
    sales_feedback,
)

__all__ = [
    "History",
    "dispose_engines",
    "get_engine",
    "insert_lifecycle_moments",
    "insert_outbox",
    "insert_pqa_records",
    "latest_alert_text",
    "load_contacts",
    "load_history",
    "load_signals",
    "plan_batches",
    "read_outbox",
    "read_snapshot",
    "record_feedback",
    "record_run_finish",
    "record_run_start",
    "record_sales_handoff",
    "save_account_state",
    "table_exists",
    "upgrade_database",
    "write_snapshot",
]

logger = logging.getLogger(__name__)

_Query: TypeAlias = "sa.Select[*tuple[Any, ...]]"

SIGNALS_KEY = "warehouse.signals_table"
CONTACTS_KEY = "warehouse.contacts_table"


def _input_table(engine: sa.Engine, name: str, key: str) -> sa.TableClause:
    """Check an input table exists and has account_id; return it with its columns."""
    schema, table_name = parse_table_name(name, key)
    try:
        with database_errors(f"reading the columns of table {name}"):
            columns = sa.inspect(engine).get_columns(table_name, schema=schema)
    except sa.exc.NoSuchTableError as exc:
        raise InputError(
            f"The warehouse has no table {name}; create it or set '{key}' in the "
            "configuration file to the table that holds this data."
        ) from exc
    names = [column["name"] for column in columns]
    if "account_id" not in names:
        raise InputError(
            f"Table {name} has no account_id column; add it or set '{key}' in "
            "the configuration file to another table."
        )
    return sa.table(table_name, *(sa.column(n) for n in names), schema=schema)


def table_exists(engine: sa.Engine, name: str) -> bool:
    """Whether the warehouse has this (optionally schema-qualified) table."""
    schema, table_name = parse_table_name(name, SIGNALS_KEY)
    with database_errors(f"looking for table {name}"):
        return sa.inspect(engine).has_table(table_name, schema=schema)


def latest_alert_text(engine: sa.Engine) -> str | None:
    """The text of the newest Slack alert kept in the outbox, if any."""
    stmt = (
        sa.select(outbox.c.text)
        .where(outbox.c.channel == "slack")
        .order_by(outbox.c.id.desc())
        .limit(1)
    )
    with database_errors("reading the outbox"), engine.connect() as conn:
        return conn.execute(stmt).scalar()


def plan_batches(
    engine: sa.Engine,
    table: str,
    batch_size: int,
    account_ids: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """Split the accounts of `table` into contiguous account_id ranges.

    Each range (low, high), both inclusive, holds `batch_size` accounts (the
    last one fewer). Numbering and grouping happen in SQL, so only one row per
    batch comes back. With `account_ids`, only those accounts are covered.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if account_ids is not None and not account_ids:
        return []
    source = _input_table(engine, table, SIGNALS_KEY)
    stmt = _batch_ranges(source, batch_size, account_ids)
    with database_errors(f"planning batches of table {table}"), engine.connect() as c:
        batches = [(str(low), str(high)) for low, high in c.execute(stmt)]
    logger.info("Planned %s batches of up to %s accounts", len(batches), batch_size)
    return batches


def _batch_ranges(
    source: sa.TableClause, batch_size: int, account_ids: Sequence[str] | None
) -> sa.Select[Any, Any]:
    """Number the distinct ids in order, then keep each batch's first and last."""
    ids = (
        sa.select(source.c.account_id)
        .where(source.c.account_id.is_not(None))
        .distinct()
    )
    if account_ids is not None:
        ids = ids.where(source.c.account_id.in_(sorted(set(account_ids))))
    distinct_ids = ids.subquery()
    position = sa.func.row_number().over(order_by=distinct_ids.c.account_id) - 1
    numbered = sa.select(
        distinct_ids.c.account_id, (position // batch_size).label("batch")
    ).subquery()
    return (
        sa.select(
            sa.func.min(numbered.c.account_id), sa.func.max(numbered.c.account_id)
        )
        .group_by(numbered.c.batch)
        .order_by(numbered.c.batch)
    )


def _range_select(
    source: sa.TableClause,
    low: str,
    high: str,
    account_ids: Sequence[str] | None,
) -> _Query:
    stmt = sa.select(source).where(source.c.account_id.between(low, high))
    if account_ids is not None:
        # All of them, not only those Python sorts into the range: the
        # database's collation decides what lies between low and high.
        stmt = stmt.where(source.c.account_id.in_(sorted(set(account_ids))))
    return stmt.order_by(source.c.account_id)


def load_signals(
    engine: sa.Engine,
    table: str,
    low: str,
    high: str,
    account_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read the signal rows with low <= account_id <= high, columns as stored."""
    return _load_range(
        engine, table, SIGNALS_KEY, "signal rows", low, high, account_ids
    )


def load_contacts(
    engine: sa.Engine,
    table: str,
    low: str,
    high: str,
    account_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read the contacts of the accounts with low <= account_id <= high."""
    return _load_range(engine, table, CONTACTS_KEY, "contacts", low, high, account_ids)


def _load_range(
    engine: sa.Engine,
    table: str,
    key: str,
    what: str,
    low: str,
    high: str,
    account_ids: Sequence[str] | None,
) -> pd.DataFrame:
    source = _input_table(engine, table, key)
    stmt = _range_select(source, low, high, account_ids)
    with database_errors(f"reading {what} from {table}"), engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    logger.info("Loaded %s %s for accounts %s..%s", len(frame), what, low, high)
    return frame


def _read_dated(
    conn: sa.Connection, stmt: _Query, dates: Sequence[str]
) -> pd.DataFrame:
    frame = pd.read_sql(stmt, conn)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _qualified_since(low: str, high: str, start: date) -> _Query:
    records = pqa_records
    return (
        sa.select(
            records.c.account_id,
            sa.func.max(records.c.qualified_on).label("qualified_on"),
        )
        .where(records.c.account_id.between(low, high))
        .where(records.c.qualified_on > start)
        .group_by(records.c.account_id)
    )


def _feedback_since(kind: str, label: str, low: str, high: str, start: date) -> _Query:
    feedback = sales_feedback
    return (
        sa.select(
            feedback.c.account_id,
            sa.func.max(feedback.c.recorded_on).label(label),
        )
        .where(feedback.c.account_id.between(low, high))
        .where(feedback.c.kind == kind)
        .where(feedback.c.recorded_on > start)
        .group_by(feedback.c.account_id)
    )


def _messaged_since(low: str, high: str, start: date) -> _Query:
    # TODO: a contact listed under two accounts in different batches is only
    # capped per batch: history is read by account range. The contacts table
    # keys contacts by account, so this needs a contact shared across
    # accounts; looking up by contact_id would close it.
    return (
        sa.select(
            outbox.c.contact_id, sa.func.max(outbox.c.as_of).label("last_sent_on")
        )
        .where(outbox.c.account_id.between(low, high))
        .where(outbox.c.channel == "in_app")
        .where(outbox.c.contact_id.is_not(None))
        .where(outbox.c.as_of > start)
        .group_by(outbox.c.contact_id)
    )


def load_history(
    engine: sa.Engine,
    *,
    low: str,
    high: str,
    as_of: date,
    guardrails: Guardrails,
) -> History:
    """Read what the guardrails need about the accounts low..high as of `as_of`.

    Windows count back from `as_of` and have no upper bound: on a backdated
    rerun, a PQA or decline recorded after `as_of` still counts, so a rerun
    never alerts sales twice nor re-engages an account that said no.
    """
    state = sa.select(
        account_state.c.account_id,
        account_state.c.disposition,
        account_state.c.recheck_on,
    ).where(account_state.c.account_id.between(low, high))
    qualified = _qualified_since(low, high, _back(as_of, guardrails.pqa_cooldown_days))
    declined = _feedback_since(
        "decline", "declined_on", low, high, _back(as_of, guardrails.decline_days)
    )
    accepted = _feedback_since(
        "accept", "accepted_on", low, high, _back(as_of, guardrails.engaged_days)
    )
    messaged = _messaged_since(low, high, _back(as_of, guardrails.message_cap_days))
    with database_errors("reading the history of earlier runs"), engine.connect() as c:
        history = History(
            last_qualified=_read_dated(c, qualified, ["qualified_on"]),
            declined=_read_dated(c, declined, ["declined_on"]),
            accepted=_read_dated(c, accepted, ["accepted_on"]),
            state=_read_dated(c, state, ["recheck_on"]),
            messaged_contacts=_read_dated(c, messaged, ["last_sent_on"]),
        )
    logger.info(
        "Loaded history for accounts %s..%s: %s in cooldown, %s declined",
        low,
        high,
        len(history.last_qualified),
        len(history.declined),
    )
    return history


def _back(as_of: date, days: int) -> date:
    # Rows dated strictly after this day fall inside a window of `days` days.
    # A window always holds as_of itself, even when configured as 0 days, so
    # a rerun of the same day never alerts or messages twice.
    return as_of - timedelta(days=max(days, 1))
