"""The daily evaluation: every account scored, guarded and routed to its play."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
from prefect import Flow, flow, get_run_logger, unmapped
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.plays import activation_assist, nurture, sales_handoff, self_serve_recheck
from pqa.config import Config, load_config
from pqa.settings import load_settings
from tasks.audit import (
    publish_summary,
    record_audit_trail,
    start_run_record,
    summarise_run,
)
from tasks.evaluation import (
    BatchResult,
    evaluate_batch,
    plan_batches,
    prepare_warehouse,
)
from tasks.plays import ALERT_COLUMNS, PlayBatch, RunContext

# What the summary and the audit trail read when no account was evaluated.
DECISION_COLUMNS = [
    "account_id", "name", "domain", "fit_score", "readiness_score",
    "disposition", "exit_state", "guardrail", "play", "acts", "recheck_on",
]  # fmt: skip
PLAY_FLOWS: dict[str, Flow[..., Any]] = {
    "sales_handoff": sales_handoff,
    "activation_assist": activation_assist,
    "self_serve_recheck": self_serve_recheck,
    "nurture": nurture,
}


def _run_name() -> str:
    as_of = flow_run.parameters.get("as_of") or datetime.now(UTC).date()
    return f"evaluate {as_of}"


# Batches run two at a time: scoring is CPU-bound numpy and Arrow work and
# the machines it targets have few cores; more threads only hold more
# batches in memory at once.
@flow(
    name="daily-evaluation",
    flow_run_name=_run_name,
    task_runner=cast(Any, ThreadPoolTaskRunner(max_workers=2)),  # invariant generic
)
def daily_evaluation(
    as_of: date | None = None,
    account_ids: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
) -> dict[str, Any]:
    """Evaluate every account (or the given ones) as of a day and act on change.

    Args:
        as_of: the day to evaluate, default today (UTC).
        account_ids: only these accounts, default all.
        dry_run: score, guard and report, but write and send nothing.
        config_path: configuration file, default $PQA_CONFIG or ./pqa.toml.
    """
    run = _run_context(as_of, dry_run, config_path)
    logger = get_run_logger()
    prepare_warehouse(run.database_url)
    start_run_record(run, flow_run.get_id())
    batches = plan_batches(run.database_url, run.config, account_ids)
    logger.info("Evaluating as of %s in %s batch(es)", run.as_of, len(batches))
    results, failures = _evaluate(run, batches, account_ids)
    decisions = _concat([r.decisions for r in results], DECISION_COLUMNS)
    contacts = _concat([r.contacts for r in results], ["account_id", "contact_id"])
    delivered, alerts, play_failures = _run_plays(run, decisions, contacts)
    summary = summarise_run(run, decisions, delivered, failures + play_failures)
    record_audit_trail(run, decisions, summary)
    publish_summary(run, summary, alerts)
    # The rendered blocks and committees stay in the outbox: Prefect walks a
    # flow's return value, and thousands of nested alerts cost it seconds.
    listed = alerts.drop(columns=["blocks", "committee"]).to_dict("records")
    return {**summary, "alerts": listed}


def _run_context(
    as_of: date | None, dry_run: bool, config_path: str | None
) -> RunContext:
    """Settings, configuration and a fresh run id; a bad file stops here."""
    settings = load_settings()
    path = settings.resolve_config_path(Path(config_path) if config_path else None)
    config: Config = load_config(path)
    return RunContext(
        run_id=str(uuid.uuid4()),
        as_of=as_of or datetime.now(UTC).date(),
        database_url=settings.resolved_database_url,
        config=config,
        dry_run=dry_run,
    )


def _evaluate(
    run: RunContext, batches: list[tuple[str, str]], account_ids: list[str] | None
) -> tuple[list[BatchResult], list[str]]:
    """Score every batch in mapped task runs; a failed batch never stops the rest."""
    futures = evaluate_batch.map(
        unmapped(run.database_url),
        unmapped(run.config),
        unmapped(run.as_of),
        batches,
        range(1, len(batches) + 1),
        unmapped(len(batches)),
        unmapped(account_ids),
    )
    results, failures = [], []
    for number, (future, batch) in enumerate(zip(futures, batches, strict=True), 1):
        future.wait()
        if future.state.is_completed():
            results.append(future.result())
        else:
            failures.append(f"batch {number}/{len(batches)} ({batch[0]}..{batch[1]})")
            get_run_logger().error("Batch %s failed: %s", number, future.state)
    return results, failures


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)


def _run_plays(
    run: RunContext, decisions: pd.DataFrame, contacts: pd.DataFrame
) -> tuple[dict[str, int], pd.DataFrame, list[str]]:
    """Run each play's subflow over all the accounts it acts on.

    A play that fails does not stop the others; its accounts are marked as
    not acted on, so the next run tries them again.
    """
    delivered: dict[str, int] = {}
    alerts = pd.DataFrame(columns=ALERT_COLUMNS)
    failures: list[str] = []
    for play, subflow in PLAY_FLOWS.items():
        rows = decisions["acts"].astype(bool) & (decisions["play"] == play)
        if not rows.any():
            delivered[play] = 0
            continue
        accounts = decisions[rows]
        batch = PlayBatch(
            accounts, contacts[contacts["account_id"].isin(accounts["account_id"])]
        )
        state = subflow(run, batch, return_state=True)
        if state is None or not state.is_completed():
            failures.append(f"play {play}")
            decisions.loc[rows, "acts"] = False
            delivered[play] = 0
            continue
        outcome = state.result()
        if isinstance(outcome, pd.DataFrame):
            alerts = outcome
        delivered[play] = len(outcome) if isinstance(outcome, pd.DataFrame) else outcome
    return delivered, alerts, failures
