"""One subflow per play, each over all the accounts routed to it."""

from __future__ import annotations

import pandas as pd
from prefect import flow
from prefect.runtime import flow_run

from tasks.plays import (
    PlayBatch,
    RunContext,
    announce_pqas,
    hand_off_pqas,
    record_lifecycle_moments,
    send_activation_messages,
)


def _play_run_name() -> str:
    """e.g. 'sales handoff 2026-12-03: 12 accounts'."""
    run, batch = flow_run.parameters["run"], flow_run.parameters["batch"]
    noun = "account" if len(batch) == 1 else "accounts"
    return f"{flow_run.flow_name} {run.as_of}: {len(batch):,} {noun}"


@flow(name="sales handoff", flow_run_name=_play_run_name, validate_parameters=False)
def sales_handoff(run: RunContext, batch: PlayBatch) -> pd.DataFrame:
    """New PQAs: CRM write-back, `pqa_qualified` analytics event, Slack alert."""
    alerts = hand_off_pqas(run, batch)
    announce_pqas(run, alerts)
    return alerts


@flow(name="activation assist", flow_run_name=_play_run_name, validate_parameters=False)
def activation_assist(run: RunContext, batch: PlayBatch) -> int:
    """High fit, not ready: an in-app offer of help to the most active user."""
    return send_activation_messages(run, batch)


@flow(
    name="self-serve recheck", flow_run_name=_play_run_name, validate_parameters=False
)
def self_serve_recheck(run: RunContext, batch: PlayBatch) -> int:
    """Ready but not ICP: stay on the self-serve path, look again in 30 days."""
    return record_lifecycle_moments(run, batch)


@flow(name="nurture", flow_run_name=_play_run_name, validate_parameters=False)
def nurture(run: RunContext, batch: PlayBatch) -> int:
    """Neither fit nor ready: a lifecycle moment and a later re-check."""
    return record_lifecycle_moments(run, batch)
