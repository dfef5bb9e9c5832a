"""The demo warehouse: generated accounts and contacts written as input tables."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import sqlalchemy as sa

from pqa.demo import generate_demo_accounts
from pqa.errors import ConnectorError
from pqa.schema import parse_table_name

logger = logging.getLogger(__name__)


def seed_demo_warehouse(
    engine: sa.Engine,
    *,
    accounts: int = 2000,
    seed: int = 7,
    as_of: date,
    signals_table: str = "account_signals",
    contacts_table: str = "account_contacts",
) -> int:
    """(Re)create the demo's signals and contacts tables; return the account count.

    Both tables are replaced in one transaction and indexed on account_id, so
    the range reads of a run stay cheap.
    """
    signals, contacts = generate_demo_accounts(accounts, seed, as_of)
    targets = [
        (signals, signals_table, "warehouse.signals_table", True),
        (contacts, contacts_table, "warehouse.contacts_table", False),
    ]
    try:
        with engine.begin() as conn:
            for frame, name, key, unique in targets:
                _replace_table(conn, frame, name, key, unique=unique)
    except sa.exc.DBAPIError as exc:
        raise ConnectorError(
            f"The warehouse failed while seeding the demo tables: {exc.orig}."
        ) from exc
    logger.info("Seeded %s demo accounts and %s contacts", len(signals), len(contacts))
    return len(signals)


def _replace_table(
    conn: sa.Connection, frame: pd.DataFrame, name: str, key: str, *, unique: bool
) -> None:
    schema, table = parse_table_name(name, key)
    frame.to_sql(
        table, conn, schema=schema, if_exists="replace", index=False, chunksize=10_000
    )
    reflected = sa.Table(table, sa.MetaData(), schema=schema, autoload_with=conn)
    sa.Index(f"ix_{table}_account_id", reflected.c.account_id, unique=unique).create(
        conn
    )
