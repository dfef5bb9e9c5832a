"""Tasks that keep the audit trail and publish the run's summary."""

from __future__ import annotations

from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from connectors import warehouse
from pqa.alerts import render_pqa_summary_markdown
from pqa.guardrails import REASONS
from pqa.scoring import DISPOSITIONS
from pqa.settings import load_settings
from tasks.evaluation import io_task
from tasks.plays import RunContext

STATE_COLUMNS = [
    "account_id",
    "disposition",
    "exit_state",
    "fit_score",
    "readiness_score",
    "recheck_on",
]


@io_task(name="start run record")
def start_run_record(run: RunContext, flow_run_id: str | None) -> None:
    """Note in the warehouse that this run began (not on a dry run)."""
    if run.dry_run:
        return
    warehouse.record_run_start(
        warehouse.get_engine(run.database_url),
        run_id=run.run_id,
        as_of=run.as_of,
        dry_run=run.dry_run,
        flow_run_id=flow_run_id,
    )


@io_task(name="record audit trail")
def record_audit_trail(
    run: RunContext, decisions: pd.DataFrame, summary: dict[str, Any]
) -> str | None:
    """Keep every decision of the run and remember what acted.

    The full evaluation (every account, each signal's points, disposition,
    guardrail, play) goes to a Parquet snapshot, cheap to keep and to read
    back; the accounts a play acted on update the per-account state that the
    next run's change detection reads.
    """
    if run.dry_run:
        return None
    engine = warehouse.get_engine(run.database_url)
    trail = decisions.assign(as_of=pd.Timestamp(run.as_of), run_id=run.run_id)
    path = warehouse.write_snapshot(
        trail, load_settings().snapshot_dir, run.run_id, as_of=run.as_of
    )
    acted = decisions.loc[decisions["acts"], STATE_COLUMNS]
    warehouse.save_account_state(
        engine, acted.assign(evaluated_on=run.as_of, run_id=run.run_id)
    )
    warehouse.record_run_finish(
        engine,
        run_id=run.run_id,
        evaluated=len(decisions),
        summary=summary,
        snapshot_path=path,
    )
    get_run_logger().info("Kept %s decisions in %s", len(decisions), path)
    return str(path)


def summarise_run(
    run: RunContext,
    decisions: pd.DataFrame,
    delivered: dict[str, int],
    failures: list[str],
) -> dict[str, Any]:
    """Counts per disposition and guardrail, and what the plays delivered."""
    dispositions = decisions["disposition"].value_counts()
    reasons = decisions["guardrail"].str.split(";").explode().value_counts()
    new_pqas = delivered.get("sales_handoff", 0)
    return {
        "run_id": run.run_id,
        "as_of": run.as_of.isoformat(),
        "dry_run": run.dry_run,
        "evaluated": len(decisions),
        "dispositions": {d: int(dispositions.get(d, 0)) for d in DISPOSITIONS},
        "new_pqas": new_pqas,
        "alerts_sent": 0 if run.dry_run else new_pqas,
        "activation_messages": delivered.get("activation_assist", 0),
        "lifecycle_moments": delivered.get("self_serve_recheck", 0)
        + delivered.get("nurture", 0),
        "suppressed": {r: int(reasons.get(r, 0)) for r in REASONS},
        "failures": len(failures),
        "failed": failures,
    }


@task(name="publish summary", cache_policy=NONE)
def publish_summary(
    run: RunContext, summary: dict[str, Any], alerts: pd.DataFrame
) -> None:
    """Show the run in the Prefect UI: a table of counts and the new PQAs."""
    rows = [{"measure": "accounts evaluated", "count": summary["evaluated"]}]
    rows += [
        {"measure": f"disposition: {name}", "count": count}
        for name, count in summary["dispositions"].items()
    ]
    rows += [
        {"measure": f"guardrail: {name}", "count": count}
        for name, count in summary["suppressed"].items()
    ]
    rows += [
        {"measure": "new PQAs", "count": summary["new_pqas"]},
        {"measure": "alerts sent", "count": summary["alerts_sent"]},
        {"measure": "failures", "count": summary["failures"]},
    ]
    day = run.as_of.isoformat()
    create_table_artifact(
        rows, key="pqa-evaluation-summary", description=f"Evaluation of {day}"
    )
    create_markdown_artifact(
        render_pqa_summary_markdown(alerts.to_dict("records")),
        key="pqa-new-pqas",
        description=f"New PQAs of {day}",
    )
