"""Tasks that carry out the plays over all the accounts routed to them.

Until outside connectors exist, every delivery goes to the embedded default:
CRM write-backs, analytics events and in-app messages are kept in the
warehouse outbox, and each Slack alert is rendered there (Block Kit JSON and
text). One task run per play and run, never per account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.events import emit_event

from connectors import warehouse
from pqa.alerts import render_activation_message, render_pqa_alert
from pqa.committee import committee_summaries
from pqa.config import Config
from tasks.evaluation import io_task

RECOMMENDED_ACTION = "sales_outreach"


@dataclass(frozen=True)
class RunContext:
    """What every play needs to know about the run it belongs to."""

    run_id: str
    as_of: date
    database_url: str
    config: Config
    dry_run: bool


class PlayBatch:
    """The accounts a play acts on and their contacts.

    Deliberately neither iterable nor a dataclass, so that Prefect stores it
    as a placeholder instead of copying every account into the run's
    parameters.
    """

    __slots__ = ("accounts", "contacts")

    def __init__(self, accounts: pd.DataFrame, contacts: pd.DataFrame) -> None:
        self.accounts = accounts
        self.contacts = contacts

    def __len__(self) -> int:
        return len(self.accounts)


# One row per new PQA: what its alert says and where it goes. A frame, not a
# list of dicts, so Prefect passes it between tasks without walking it.
ALERT_COLUMNS = [
    "account_id", "name", "domain", "fit_score", "readiness_score", "top_signals",
    "committee", "recommended_play", "channel", "text", "blocks",
]  # fmt: skip


@io_task(name="hand off PQAs")
def hand_off_pqas(run: RunContext, batch: PlayBatch) -> pd.DataFrame:
    """Write each new PQA to the CRM, track it and render its Slack alert."""
    pqas = batch.accounts
    records = pqas.to_dict("records")
    committees = committee_summaries(batch.contacts, [r["account_id"] for r in records])
    alerts = pd.DataFrame(
        [
            _alert(pqa, committee, run.config)
            for pqa, committee in zip(records, committees, strict=True)
        ],
        columns=ALERT_COLUMNS,
    )
    if not run.dry_run and len(alerts):
        engine = warehouse.get_engine(run.database_url)
        warehouse.record_sales_handoff(
            engine,
            deliveries=_handoff_outbox(run, alerts),
            pqas=_pqa_records(run, pqas),
        )
    get_run_logger().info("Handed off %s new PQAs", len(alerts))
    return alerts


def _alert(pqa: dict[Any, Any], committee: dict[str, Any], config: Config) -> dict:
    text, blocks = render_pqa_alert(pqa, committee, recommended_play=RECOMMENDED_ACTION)
    return {
        "account_id": pqa["account_id"],
        "name": pqa["name"] or pqa["account_id"],
        "domain": pqa["domain"],
        "fit_score": pqa["fit_score"],
        "readiness_score": pqa["readiness_score"],
        "top_signals": _signals(pqa["top_signals"]),
        "committee": committee,
        "recommended_play": RECOMMENDED_ACTION,
        "channel": config.plays.sales_channel,
        "text": text,
        "blocks": blocks,
    }


def _signals(joined: str) -> list[str]:
    return [s for s in joined.split("; ") if s]


def _handoff_outbox(run: RunContext, alerts: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for alert in alerts.to_dict("records"):
        base = {
            "account_id": alert["account_id"],
            "as_of": run.as_of,
            "run_id": run.run_id,
        }
        scores = {
            "fit_score": alert["fit_score"],
            "readiness_score": alert["readiness_score"],
            "top_signals": alert["top_signals"],
        }
        crm = {
            **scores,
            "status": "qualified",
            "recommended_action": RECOMMENDED_ACTION,
        }
        event = {"event": "pqa_qualified", "properties": scores}
        slack = {
            "channel": alert["channel"],
            "text": alert["text"],
            "blocks": alert["blocks"],
        }
        rows += [
            {**base, "channel": "crm", "payload_json": json.dumps(crm)},
            {**base, "channel": "analytics", "payload_json": json.dumps(event)},
            {
                **base,
                "channel": "slack",
                "text": alert["text"],
                "payload_json": json.dumps(slack),
            },
        ]
    return rows


def _pqa_records(run: RunContext, pqas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": pqas["account_id"],
            "qualified_on": run.as_of,
            "run_id": run.run_id,
            "fit_score": pqas["fit_score"],
            "readiness_score": pqas["readiness_score"],
            "top_signals": pqas["top_signals"],
            "status": "qualified",
            "recommended_action": RECOMMENDED_ACTION,
        }
    )


@task(name="announce PQAs", cache_policy=NONE)
def announce_pqas(run: RunContext, alerts: pd.DataFrame) -> int:
    """Emit a `pqa.qualified` Prefect event per new PQA, for automations.

    Best effort: an event that cannot be emitted is logged, never fatal, as
    the PQA is already recorded and its alert kept.
    """
    if run.dry_run:
        return 0
    emitted = 0
    for alert in alerts.to_dict("records"):
        try:
            emit_event(
                event="pqa.qualified",
                resource={
                    "prefect.resource.id": f"pqa.account.{alert['account_id']}",
                    "prefect.resource.name": str(alert["name"]),
                },
                payload={
                    "as_of": run.as_of.isoformat(),
                    "fit_score": alert["fit_score"],
                    "readiness_score": alert["readiness_score"],
                    "top_signals": alert["top_signals"],
                    "run_id": run.run_id,
                },
            )
            emitted += 1
        except Exception as exc:  # an event never fails a run
            get_run_logger().warning("Could not emit pqa.qualified: %s", exc)
    return emitted


@io_task(name="send activation messages")
def send_activation_messages(run: RunContext, batch: PlayBatch) -> int:
    """Keep an in-app message for each account's most active user."""
    accounts = batch.accounts
    names = batch.contacts.drop_duplicates("contact_id").set_index("contact_id")["name"]
    rows = [
        {
            "channel": "in_app",
            "account_id": account["account_id"],
            "contact_id": account["recipient_id"],
            "as_of": run.as_of,
            "run_id": run.run_id,
            **_in_app(account, names.get(account["recipient_id"]), run.config),
        }
        for account in accounts.to_dict("records")
    ]
    if not run.dry_run and rows:
        warehouse.insert_outbox(warehouse.get_engine(run.database_url), rows)
    get_run_logger().info("Kept %s activation messages", len(rows))
    return len(rows)


def _in_app(account: dict[Any, Any], contact: Any, config: Config) -> dict[str, str]:
    message = render_activation_message(
        company=account["name"] or account["domain"],
        product=config.plays.product_name,
        contact_name=contact if isinstance(contact, str) else None,
        quickstart_path=config.plays.quickstart_path,
    )
    return {"text": message["body"], "payload_json": json.dumps(message)}


@io_task(name="record lifecycle moments")
def record_lifecycle_moments(run: RunContext, batch: PlayBatch) -> int:
    """Record `pls_evaluated` with the outcome, both scores and the re-check date."""
    accounts = batch.accounts
    moments = pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "as_of": run.as_of,
            "moment": "pls_evaluated",
            "outcome": accounts["disposition"],
            "fit_score": accounts["fit_score"],
            "readiness_score": accounts["readiness_score"],
            "recheck_on": accounts["recheck_on"],
            "run_id": run.run_id,
        }
    )
    if not run.dry_run and len(moments):
        warehouse.insert_lifecycle_moments(
            warehouse.get_engine(run.database_url), moments
        )
    get_run_logger().info("Recorded %s lifecycle moments", len(moments))
    return len(moments)
