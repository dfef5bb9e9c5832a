"""The `pqa` command.

Commands that orchestrate (evaluate, serve, demo run) import the Prefect
layers inside their function, so that `pqa score` and the domain core stay
free of Prefect and start fast.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from pqa.config import Config, load_config
from pqa.errors import InputError, PqaError
from pqa.report import print_alert, print_summary
from pqa.scoring import score_accounts
from pqa.settings import load_settings
from pqa.signals import read_signals_file

app = typer.Typer(
    name="pqa",
    help="Product-led sales on Prefect: score every account's fit and readiness "
    "and route it to its play.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
feedback_app = typer.Typer(
    help="Record what sales made of a PQA.", no_args_is_help=True
)
demo_app = typer.Typer(
    help="Try the product on a generated warehouse.", no_args_is_help=True
)
app.add_typer(feedback_app, name="feedback")
app.add_typer(demo_app, name="demo")

err = Console(stderr=True)
out = Console()
PROGRESS_ROWS = 200_000
CHUNK_ROWS = 100_000

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Configuration file (TOML). Default: $PQA_CONFIG, else ./pqa.toml.",
        show_default=False,
    ),
]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="The day sales said so, YYYY-MM-DD. Default: today (UTC).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this day, YYYY-MM-DD. Default: today (UTC).",
        show_default=False,
    ),
]


def main() -> None:
    """Entry point: run the app and turn a user's mistake into one sentence."""
    try:
        app()
    except PqaError as exc:
        # One line, whatever the terminal width: a library's message may
        # carry its own line breaks.
        message = " ".join(str(exc).split())
        err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(2)


def parse_as_of(value: str | None) -> date:
    """The evaluation day: YYYY-MM-DD, or today in UTC."""
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--as-of {value!r} is not a date; write it as YYYY-MM-DD."
        ) from None


def resolve_config(path: Path | None) -> Config:
    """Load --config FILE, else $PQA_CONFIG, else ./pqa.toml."""
    return load_config(load_settings().resolve_config_path(path))


@app.command()
def score(
    input: Annotated[
        Path, typer.Argument(help="Signals file, .csv or .parquet.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Where to write the scores, .csv or .parquet."
        ),
    ],
    config: ConfigOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Score a file of account signals; needs no database, server or network.

    Writes one row per account: fit and readiness scores, disposition, exit
    state, each signal's points, the top signals and the unusable fields.
    """
    if output.suffix.lower() not in {".csv", ".parquet", ".pq"}:
        raise InputError(f"--output {output} must end in .csv or .parquet.")
    settings = resolve_config(config)
    day = parse_as_of(as_of)
    frame = read_signals_file(input)
    scored = _score_with_progress(frame, settings, day)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".csv":
        scored.to_csv(output, index=False)
    else:
        scored.to_parquet(output, index=False)
    _print_score_summary(scored, output)


def _score_with_progress(
    frame: pd.DataFrame, config: Config, day: date
) -> pd.DataFrame:
    """Score in chunks with a progress bar when a person watches a large file."""
    if len(frame) < PROGRESS_ROWS or not err.is_terminal:
        return score_accounts(frame, config, day)
    parts = []
    columns = [
        TextColumn("scoring"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} accounts"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("score", total=len(frame))
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = frame.iloc[start : start + CHUNK_ROWS]
            parts.append(score_accounts(chunk, config, day))
            progress.advance(task, len(chunk))
    return pd.concat(parts, ignore_index=True)


def _print_score_summary(scored: pd.DataFrame, output: Path) -> None:
    counts = scored["disposition"].value_counts()
    unusable = int((scored["unusable_fields"] != "").sum())
    shown = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    out.print(f"Scored {len(scored):,} accounts into {output}: {shown}.")
    if unusable:
        accounts = "account has" if unusable == 1 else "accounts have"
        out.print(
            f"{unusable:,} {accounts} unusable fields, scored at the lowest tier "
            "(see the unusable_fields column)."
        )


@feedback_app.command("decline")
def feedback_decline(
    account_id: Annotated[str, typer.Argument(help="The account that declined.")],
    on: OnOption = None,
    note: Annotated[str | None, typer.Option(help="Why, in sales' words.")] = None,
) -> None:
    """Record that an account declined sales contact (no sales engage for 90 days)."""
    _record_feedback("decline", account_id, on, note)


@feedback_app.command("accept")
def feedback_accept(
    account_id: Annotated[str, typer.Argument(help="The PQA sales accepted.")],
    on: OnOption = None,
    note: Annotated[str | None, typer.Option(help="A meeting, a next step.")] = None,
) -> None:
    """Record that sales accepted a PQA (no new alert for it for 90 days)."""
    _record_feedback("accept", account_id, on, note)


def _record_feedback(
    kind: str, account_id: str, on: str | None, note: str | None
) -> None:
    from connectors.warehouse import get_engine, record_feedback, upgrade_database

    engine = get_engine(load_settings().resolved_database_url)
    upgrade_database(engine)
    day = parse_as_of(on)
    record_feedback(
        engine, account_id=account_id, kind=kind, recorded_on=day, note=note
    )
    out.print(f"Recorded {kind} for account {account_id} on {day.isoformat()}.")


@demo_app.command("seed")
def demo_seed(
    accounts: Annotated[int, typer.Option(min=1, help="How many accounts.")] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same accounts.")] = 7,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Fill the warehouse with realistic synthetic accounts and contacts."""
    from connectors.demo_warehouse import seed_demo_warehouse
    from connectors.warehouse import get_engine

    settings = resolve_config(config)
    engine = get_engine(load_settings().resolved_database_url)
    count = seed_demo_warehouse(
        engine,
        accounts=accounts,
        seed=seed,
        as_of=parse_as_of(as_of),
        signals_table=settings.warehouse.signals_table,
        contacts_table=settings.warehouse.contacts_table,
    )
    out.print(f"Seeded {count:,} accounts into {engine.url.render_as_string()}.")


@app.command()
def evaluate(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    accounts: Annotated[
        str | None,
        typer.Option(
            "--accounts",
            help="Only these accounts, comma-separated ids. Default: all.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Score and report; write and send nothing."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
) -> None:
    """Run the daily evaluation once and print its summary.

    Uses the Prefect server in PREFECT_API_URL, else a temporary local one.
    """
    summary = _run_evaluation(config, as_of, accounts, dry_run)
    alerts = summary.pop("alerts")
    if as_json:
        print(json.dumps(summary, sort_keys=True))
        return
    print_summary(out, summary)
    if alerts:
        print_alert(out, alerts[0]["text"], f"New PQA alert for {alerts[0]['name']}")


def _run_evaluation(
    config: Path | None, as_of: str | None, accounts: str | None, dry_run: bool
) -> dict:
    path = load_settings().resolve_config_path(config)
    load_config(path)  # refuse a bad file before starting Prefect
    day = parse_as_of(as_of)
    ids = [a.strip() for a in accounts.split(",") if a.strip()] if accounts else None
    _quiet_prefect_telemetry()
    from flows.daily_evaluation import daily_evaluation

    return daily_evaluation(
        as_of=day, account_ids=ids, dry_run=dry_run, config_path=str(path)
    )


def _quiet_prefect_telemetry() -> None:
    # A temporary server otherwise reports usage to Prefect, which fails and
    # logs an error on machines without internet; a user's setting wins.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Serve the daily and manual-rerun deployments to the Prefect server.

    Needs PREFECT_API_URL (start one with `prefect server start`). Runs until
    stopped; at most one evaluation runs at a time.
    """
    if not os.environ.get("PREFECT_API_URL"):
        raise PqaError(
            "pqa serve needs a Prefect server: run `prefect server start` and "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api."
        )
    path = load_settings().resolve_config_path(config)
    settings = load_config(path)
    from deployments.evaluation import serve_deployments

    serve_deployments(settings, path)


@demo_app.command("run")
def demo_run(
    config: ConfigOption = None,
    accounts: Annotated[int, typer.Option(min=1, help="Accounts to seed.")] = 2000,
) -> None:
    """Seed the embedded warehouse (first time) and run one evaluation."""
    from connectors.warehouse import get_engine, latest_alert_text, table_exists

    settings = resolve_config(config)
    engine = get_engine(load_settings().resolved_database_url)
    if not table_exists(engine, settings.warehouse.signals_table):
        demo_seed(accounts=accounts, seed=7, config=config, as_of=None)
    summary = _run_evaluation(config, None, None, False)
    alerts = summary.pop("alerts")
    print_summary(out, summary)
    if alerts:
        print_alert(out, alerts[0]["text"], f"New PQA alert for {alerts[0]['name']}")
        return
    latest = latest_alert_text(engine)
    if latest:
        print_alert(out, latest, "Latest PQA alert in the outbox (none new today)")
