"""Rows of the product's tables, dated around one evaluation day."""

from __future__ import annotations

from datetime import date, timedelta

AS_OF = date(2026, 3, 1)


def days_ago(days: int) -> date:
    """The day `days` before AS_OF."""
    return AS_OF - timedelta(days=days)


def pqa_row(account_id: str, qualified_on: date) -> dict[str, object]:
    """A PQA record of an account, qualified on a day."""
    return {"account_id": account_id, "qualified_on": qualified_on, "run_id": "r0"}


def message_row(
    contact_id: str, days: int, channel: str = "in_app"
) -> dict[str, object]:
    """An outbox delivery to a contact, `days` before AS_OF."""
    return {
        "channel": channel,
        "account_id": "acc-1",
        "contact_id": contact_id,
        "as_of": days_ago(days),
        "run_id": "r0",
        "payload_json": {"title": "Need help getting started?"},
    }
