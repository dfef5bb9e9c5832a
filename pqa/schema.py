"""The tables the product owns in the warehouse, and the names it reads from.

SQLAlchemy Core only: the connectors build their statements from these tables,
and Alembic migration 0001 creates them. The input tables (signals, contacts)
belong to the user and are named in the configuration, so their names are
checked here before any SQL is built from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from pqa.errors import ConfigurationError

# Alembic's own bookkeeping table, named so it never collides with a
# migration history the user's warehouse may already keep.
VERSION_TABLE = "pqa_alembic_version"

CHANNELS = ("slack", "crm", "analytics", "in_app")
FEEDBACK_KINDS = ("decline", "accept")
RECORD_STATUSES = ("qualified", "accepted", "declined")

metadata = sa.MetaData()

runs = sa.Table(
    "pqa_runs",
    metadata,
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("dry_run", sa.Boolean, nullable=False, default=False),
    sa.Column("flow_run_id", sa.String(64), nullable=True),
    sa.Column("evaluated", sa.Integer, nullable=False, default=0),
    sa.Column("summary_json", sa.Text, nullable=False, default="{}"),
    sa.Column("snapshot_path", sa.Text, nullable=True),
)

account_state = sa.Table(
    "pqa_account_state",
    metadata,
    sa.Column("account_id", sa.String(255), primary_key=True),
    sa.Column("disposition", sa.String(32), nullable=False),
    sa.Column("exit_state", sa.String(32), nullable=True),
    sa.Column("fit_score", sa.Float, nullable=True),
    sa.Column("readiness_score", sa.Float, nullable=True),
    sa.Column("evaluated_on", sa.Date, nullable=False),
    sa.Column("recheck_on", sa.Date, nullable=True),
    sa.Column("run_id", sa.String(36), nullable=False),
)

pqa_records = sa.Table(
    "pqa_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(255), nullable=False),
    sa.Column("qualified_on", sa.Date, nullable=False),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("fit_score", sa.Float, nullable=True),
    sa.Column("readiness_score", sa.Float, nullable=True),
    sa.Column("top_signals", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, default="qualified"),
    sa.Column(
        "recommended_action", sa.String(64), nullable=False, default="sales_outreach"
    ),
    sa.Index("ix_pqa_records_account_qualified", "account_id", "qualified_on"),
)

lifecycle_moments = sa.Table(
    "pqa_lifecycle_moments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(255), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("moment", sa.String(32), nullable=False, default="pls_evaluated"),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("fit_score", sa.Float, nullable=True),
    sa.Column("readiness_score", sa.Float, nullable=True),
    sa.Column("recheck_on", sa.Date, nullable=True),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Index("ix_pqa_lifecycle_moments_account_as_of", "account_id", "as_of"),
)

outbox = sa.Table(
    "pqa_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("account_id", sa.String(255), nullable=False),
    sa.Column("contact_id", sa.String(255), nullable=True),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=True),
    sa.Column("payload_json", sa.Text, nullable=False, default="{}"),
    sa.Column("status", sa.String(16), nullable=False, default="kept"),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_pqa_outbox_channel_contact_as_of", "channel", "contact_id", "as_of"),
    sa.Index("ix_pqa_outbox_account_channel", "account_id", "channel"),
)

sales_feedback = sa.Table(
    "pqa_sales_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Index(
        "ix_pqa_sales_feedback_account_kind_on", "account_id", "kind", "recorded_on"
    ),
)


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series(dtype=dtype) for name, dtype in columns.items()}
    )


@dataclass(frozen=True)
class History:
    """What earlier runs and sales said about a range of accounts.

    The guardrails read it: recent PQAs (cooldown), recent declines and
    acceptances, the last decision per account, and which contacts were
    messaged recently. Dates are pandas datetime64 columns so they compare
    directly with a Timestamp.
    """

    last_qualified: pd.DataFrame = field(
        default_factory=lambda: _empty(
            {"account_id": "object", "qualified_on": "datetime64[ns]"}
        )
    )
    declined: pd.DataFrame = field(
        default_factory=lambda: _empty(
            {"account_id": "object", "declined_on": "datetime64[ns]"}
        )
    )
    accepted: pd.DataFrame = field(
        default_factory=lambda: _empty(
            {"account_id": "object", "accepted_on": "datetime64[ns]"}
        )
    )
    state: pd.DataFrame = field(
        default_factory=lambda: _empty(
            {
                "account_id": "object",
                "disposition": "object",
                "recheck_on": "datetime64[ns]",
            }
        )
    )
    messaged_contacts: pd.DataFrame = field(
        default_factory=lambda: _empty(
            {"contact_id": "object", "last_sent_on": "datetime64[ns]"}
        )
    )


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_table_name(name: str, key: str) -> tuple[str | None, str]:
    """Split `table` or `schema.table` after checking both are SQL identifiers.

    The names come from the configuration file and end up in SQL, so anything
    but plain identifiers is refused rather than escaped.

    Returns:
        (schema or None, table).

    Raises:
        ConfigurationError: naming `key`, the configuration key to fix.
    """
    parts = name.split(".") if isinstance(name, str) else []
    if not 1 <= len(parts) <= 2 or not all(_IDENTIFIER.fullmatch(p) for p in parts):
        raise ConfigurationError(
            f"Configuration key '{key}' is {name!r}, which is not a table name; "
            "use letters, digits and underscores, optionally as schema.table."
        )
    if len(parts) == 1:
        return None, parts[0]
    return parts[0], parts[1]
