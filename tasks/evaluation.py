"""Tasks that read the warehouse, score a batch and apply the guardrails.

A task run is one batch of accounts (a range of account_id), never one
account: the work inside is vectorised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ParamSpec, TypeVar

import pandas as pd
from prefect import Task, task
from prefect.cache_policies import NONE

from connectors import warehouse
from pqa.committee import most_active_contacts
from pqa.config import Config
from pqa.guardrails import apply_guardrails
from pqa.scoring import score_accounts

# Retries with growing, jittered delays on every task that touches I/O: a
# warehouse that blinks should not cost a day's evaluation.
IO_RETRIES = 3
IO_RETRY_DELAYS: list[float] = [2, 10, 30]
IO_JITTER = 0.5
P = ParamSpec("P")
R = TypeVar("R")


def io_task(
    name: str, task_run_name: str | None = None
) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task that touches I/O: retried with backoff, never cached, as its
    inputs are whole frames, costly to hash, and its effects must happen."""
    return task(
        name=name,
        task_run_name=task_run_name,
        cache_policy=NONE,
        retries=IO_RETRIES,
        retry_delay_seconds=IO_RETRY_DELAYS,
        retry_jitter_factor=IO_JITTER,
    )


@dataclass
class BatchResult:
    """One batch's decisions and the contacts its plays will need."""

    decisions: pd.DataFrame
    contacts: pd.DataFrame


@io_task(name="prepare warehouse")
def prepare_warehouse(database_url: str) -> None:
    """Create or upgrade the product's tables in place."""
    warehouse.upgrade_database(warehouse.get_engine(database_url))


@io_task(name="plan batches")
def plan_batches(
    database_url: str, config: Config, account_ids: list[str] | None
) -> list[tuple[str, str]]:
    """Split the accounts into ranges of about `warehouse.batch_size` each."""
    return warehouse.plan_batches(
        warehouse.get_engine(database_url),
        config.warehouse.signals_table,
        config.warehouse.batch_size,
        account_ids,
    )


@io_task(name="score batch", task_run_name="score batch {number}/{total}")
def evaluate_batch(
    database_url: str,
    config: Config,
    as_of: date,
    batch: tuple[str, str],
    number: int,
    total: int,
    account_ids: list[str] | None = None,
) -> BatchResult:
    """Load, score and guard one batch of accounts against their history."""
    engine = warehouse.get_engine(database_url)
    low, high = batch
    names = config.warehouse
    signals = warehouse.load_signals(
        engine, names.signals_table, low, high, account_ids
    )
    scored = score_accounts(signals, config, as_of)
    contacts = warehouse.load_contacts(engine, names.contacts_table, low, high)
    contacts = contacts[contacts["account_id"].isin(scored["account_id"])]
    recipients = _active_recipients(contacts)
    history = warehouse.load_history(
        engine, low=low, high=high, as_of=as_of, guardrails=config.guardrails
    )
    decisions = apply_guardrails(scored, history, recipients, config, as_of)
    return BatchResult(decisions, _contacts_for_plays(contacts, decisions))


def _active_recipients(contacts: pd.DataFrame) -> pd.DataFrame:
    """Each account's most active user, if any user was active at all."""
    if contacts.empty:
        return pd.DataFrame({"account_id": [], "contact_id": []}, dtype=object)
    chosen = most_active_contacts(contacts)
    return chosen[chosen["active_days_30d"] > 0]


def _contacts_for_plays(
    contacts: pd.DataFrame, decisions: pd.DataFrame
) -> pd.DataFrame:
    """Keep the contacts of accounts a sales handoff or activation play acts on."""
    acting = decisions.loc[
        decisions["acts"]
        & decisions["play"].isin(["sales_handoff", "activation_assist"]),
        "account_id",
    ]
    return contacts[contacts["account_id"].isin(acting)]
