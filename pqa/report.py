"""How a run's summary reads on a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

PLAY_OF = {
    "sales_engage": "sales handoff (Slack alert, CRM, analytics)",
    "activation_assist": "activation assist (in-app message)",
    "self_service_continue": "self-serve recheck (lifecycle moment)",
    "nurture": "nurture (lifecycle moment)",
}


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    """A table of dispositions and guardrails, then what was delivered."""
    mode = " (dry run: nothing written or sent)" if summary["dry_run"] else ""
    console.print(
        f"[bold]Evaluation of {summary['as_of']}[/]: "
        f"{summary['evaluated']:,} accounts{mode}"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("disposition")
    table.add_column("accounts", justify="right")
    table.add_column("play")
    for name, count in summary["dispositions"].items():
        table.add_row(name, f"{count:,}", PLAY_OF[name])
    console.print(table)
    held = {k: v for k, v in summary["suppressed"].items() if v}
    if held:
        shown = ", ".join(f"{reason} {count:,}" for reason, count in held.items())
        console.print(f"Guardrails: {shown}.")
    console.print(
        f"New PQAs {summary['new_pqas']:,}, Slack alerts sent "
        f"{summary['alerts_sent']:,}, activation messages "
        f"{summary['activation_messages']:,}, lifecycle moments "
        f"{summary['lifecycle_moments']:,}."
    )
    if summary["failures"]:
        console.print(
            f"[bold red]{summary['failures']} part(s) failed[/]: "
            + "; ".join(summary["failed"])
            + ". Their accounts are tried again on the next run."
        )


def print_alert(console: Console, text: str, heading: str) -> None:
    """Show one rendered Slack alert as sales would read it."""
    console.rule(heading)
    console.print(text, highlight=False, markup=False)
    console.rule()
