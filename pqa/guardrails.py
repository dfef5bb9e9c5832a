"""Guardrails: what the 2x2 proposes, checked against history.

Applied after the disposition, in the contract's order, vectorised over a
batch. Each account keeps the reasons that applied, the play it is routed to
and whether that play acts on it now. An account whose disposition did not
change and whose re-check date has not come is left alone (`unchanged`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from pqa.config import Config
from pqa.schema import History
from pqa.scoring import EXIT_STATES, describe_flags

REASONS = (
    "low_fit",
    "pqa_cooldown",
    "declined_contact",
    "sales_engaged",
    "message_cap",
    "no_active_user",
    "unchanged",
)
PLAYS = {
    "sales_engage": "sales_handoff",
    "activation_assist": "activation_assist",
    "self_service_continue": "self_serve_recheck",
    "nurture": "nurture",
}
# Reasons that stop a play from acting; declined_contact instead re-routes.
SUPPRESSING = frozenset(REASONS) - {"declined_contact"}


def apply_guardrails(
    scored: pd.DataFrame,
    history: History,
    recipients: pd.DataFrame,
    config: Config,
    as_of: date,
) -> pd.DataFrame:
    """Add the guardrails' decision to scored accounts.

    Args:
        scored: the output of `score_accounts`.
        history: what earlier runs and sales said about these accounts.
        recipients: the most active user per account (account_id, contact_id).

    Returns the scored frame with scored_disposition (the 2x2's), disposition
    and exit_state after the guardrails, guardrail (';'-joined reasons), play,
    acts, recipient_id and recheck_on.
    """
    out = scored.copy()
    ids = out["account_id"]
    out["scored_disposition"] = out["disposition"]
    flags = dict.fromkeys(REASONS, np.zeros(len(out), dtype=bool))

    high_fit = out["fit_score"] * 100 >= config.thresholds.fit_hundredths
    engage = (out["disposition"] == "sales_engage").to_numpy()
    flags["low_fit"] = engage & ~high_fit.to_numpy()
    _reroute(out, flags["low_fit"], config)

    engage = (out["disposition"] == "sales_engage").to_numpy()
    flags["pqa_cooldown"] = engage & ids.isin(history.last_qualified["account_id"])
    flags["declined_contact"] = engage & ids.isin(history.declined["account_id"])
    out.loc[flags["declined_contact"], "disposition"] = "self_service_continue"
    accepted = ids.isin(history.accepted["account_id"]).to_numpy()
    flags["sales_engaged"] = engage & accepted & ~flags["declined_contact"]

    out["recipient_id"] = _recipients(ids, recipients)
    assist = (out["disposition"] == "activation_assist").to_numpy()
    no_user = assist & out["recipient_id"].isna().to_numpy()
    messaged = out["recipient_id"].isin(history.messaged_contacts["contact_id"])
    flags["no_active_user"] = no_user
    reachable = assist & ~no_user
    repeated = _repeated(out["recipient_id"], reachable)
    flags["message_cap"] = reachable & (messaged.to_numpy() | repeated)

    held = np.logical_or.reduce([flags[r] for r in SUPPRESSING if r != "unchanged"])
    flags["unchanged"] = ~held & _unchanged(out, history, as_of)
    return _finish(out, flags, config, as_of)


def _reroute(out: pd.DataFrame, rows: np.ndarray, config: Config) -> None:
    """A sales engage below the fit threshold falls back to the self-serve side."""
    ready = out["readiness_score"] * 100 >= config.thresholds.readiness_hundredths
    fallback = np.where(ready, "self_service_continue", "nurture")
    out.loc[rows, "disposition"] = fallback[rows]


def _lookup(ids: pd.Series, table: pd.DataFrame, column: str) -> pd.Series:
    """Each account's value of `column` in a table keyed by account_id."""
    keyed = table[["account_id", column]].drop_duplicates("account_id")
    found = pd.DataFrame({"account_id": ids.to_numpy()}).merge(
        keyed, on="account_id", how="left"
    )
    return found[column]


def _recipients(ids: pd.Series, recipients: pd.DataFrame) -> pd.Series:
    found = _lookup(ids, recipients, "contact_id").astype("object")
    return found.where(found.notna(), None).set_axis(ids.index)


def _repeated(recipient: pd.Series, candidates: np.ndarray) -> np.ndarray:
    """Users an earlier account of the same batch already messages today."""
    seen = recipient.where(candidates).duplicated().to_numpy(dtype=bool)
    return seen & candidates


def _unchanged(out: pd.DataFrame, history: History, as_of: date) -> np.ndarray:
    before = _lookup(out["account_id"], history.state, "disposition")
    recheck = pd.to_datetime(_lookup(out["account_id"], history.state, "recheck_on"))
    not_due = (recheck > pd.Timestamp(as_of)).to_numpy(dtype=bool, na_value=False)
    same = (before.to_numpy() == out["disposition"].to_numpy()) & before.notna()
    return np.asarray(same, dtype=bool) & not_due


def _finish(
    out: pd.DataFrame, flags: dict[str, np.ndarray], config: Config, as_of: date
) -> pd.DataFrame:
    bits = np.zeros(len(out), dtype=np.int64)
    for position, reason in enumerate(REASONS):
        bits |= np.asarray(flags[reason], dtype=np.int64) << position
    out["guardrail"] = describe_flags(bits, REASONS).to_numpy()
    suppressed = np.logical_or.reduce([flags[r] for r in SUPPRESSING])
    out["acts"] = ~suppressed
    out["play"] = out["disposition"].map(PLAYS)
    out["exit_state"] = out["disposition"].map(EXIT_STATES)
    # Sales accepted this PQA: the account is theirs, and says so.
    out.loc[flags["sales_engaged"], "exit_state"] = "sales_engaged"
    out["recheck_on"] = out["disposition"].map(recheck_dates(config, as_of))
    return out


def recheck_dates(config: Config, as_of: date) -> dict[str, date]:
    """When each disposition is looked at again if nothing changes before."""
    windows = config.guardrails
    days = {
        "sales_engage": windows.pqa_cooldown_days,
        "activation_assist": windows.message_cap_days,
        "self_service_continue": config.plays.recheck_days,
        "nurture": config.plays.recheck_days,
    }
    return {name: as_of + timedelta(days=n) for name, n in days.items()}
