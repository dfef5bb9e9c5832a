"""The product's own tables: runs, account state, PQA records, lifecycle
moments, the outbox and sales feedback.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than taken from pqa.schema, so this revision keeps
# creating the same tables when the live schema moves on in later revisions.
_ACCOUNT = sa.String(255)
_RUN = sa.String(36)
_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the six tables and their indexes."""
    op.create_table(
        "pqa_runs",
        sa.Column("run_id", _RUN, primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("started_at", _STAMP, nullable=False),
        sa.Column("finished_at", _STAMP, nullable=True),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("flow_run_id", sa.String(64), nullable=True),
        sa.Column("evaluated", sa.Integer, nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.Column("snapshot_path", sa.Text, nullable=True),
    )
    op.create_table(
        "pqa_account_state",
        sa.Column("account_id", _ACCOUNT, primary_key=True),
        sa.Column("disposition", sa.String(32), nullable=False),
        sa.Column("exit_state", sa.String(32), nullable=True),
        sa.Column("fit_score", sa.Float, nullable=True),
        sa.Column("readiness_score", sa.Float, nullable=True),
        sa.Column("evaluated_on", sa.Date, nullable=False),
        sa.Column("recheck_on", sa.Date, nullable=True),
        sa.Column("run_id", _RUN, nullable=False),
    )
    _create_pqa_records()
    _create_lifecycle_moments()
    _create_outbox()
    _create_sales_feedback()


def _create_pqa_records() -> None:
    op.create_table(
        "pqa_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", _ACCOUNT, nullable=False),
        sa.Column("qualified_on", sa.Date, nullable=False),
        sa.Column("run_id", _RUN, nullable=False),
        sa.Column("fit_score", sa.Float, nullable=True),
        sa.Column("readiness_score", sa.Float, nullable=True),
        sa.Column("top_signals", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recommended_action", sa.String(64), nullable=False),
    )
    op.create_index(
        "ix_pqa_records_account_qualified",
        "pqa_records",
        ["account_id", "qualified_on"],
    )


def _create_lifecycle_moments() -> None:
    op.create_table(
        "pqa_lifecycle_moments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", _ACCOUNT, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("moment", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("fit_score", sa.Float, nullable=True),
        sa.Column("readiness_score", sa.Float, nullable=True),
        sa.Column("recheck_on", sa.Date, nullable=True),
        sa.Column("run_id", _RUN, nullable=False),
    )
    op.create_index(
        "ix_pqa_lifecycle_moments_account_as_of",
        "pqa_lifecycle_moments",
        ["account_id", "as_of"],
    )


def _create_outbox() -> None:
    op.create_table(
        "pqa_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("account_id", _ACCOUNT, nullable=False),
        sa.Column("contact_id", _ACCOUNT, nullable=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("run_id", _RUN, nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("delivered_at", _STAMP, nullable=True),
    )
    op.create_index(
        "ix_pqa_outbox_channel_contact_as_of",
        "pqa_outbox",
        ["channel", "contact_id", "as_of"],
    )
    op.create_index(
        "ix_pqa_outbox_account_channel", "pqa_outbox", ["account_id", "channel"]
    )


def _create_sales_feedback() -> None:
    op.create_table(
        "pqa_sales_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", _ACCOUNT, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("recorded_at", _STAMP, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index(
        "ix_pqa_sales_feedback_account_kind_on",
        "pqa_sales_feedback",
        ["account_id", "kind", "recorded_on"],
    )


def downgrade() -> None:
    """Drop the six tables; their indexes go with them."""
    for name in (
        "pqa_sales_feedback",
        "pqa_outbox",
        "pqa_lifecycle_moments",
        "pqa_records",
        "pqa_account_state",
        "pqa_runs",
    ):
        op.drop_table(name)
