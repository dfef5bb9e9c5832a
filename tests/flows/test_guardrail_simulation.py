"""Thirty days of daily evaluations: every guardrail holds, day after day.

A handful of accounts, each with a story, are evaluated once per day while
their signals change between days; sales declines one of them, and some days
are run again, one of them backdated. The contract is then checked on what the
warehouse kept: the outbox, the PQA records and each run's snapshot.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from connectors.warehouse import read_outbox, read_snapshot, record_feedback
from flows.daily_evaluation import daily_evaluation
from tests.flows.conftest import (
    busy_off_profile_signals,
    contact_row,
    fit_only_signals,
    hot_signals,
    idle_signals,
    write_contacts,
    write_signals,
)

START = date(2026, 1, 1)
DAYS = 30
DECLINED_ON_DAY = 3
COOLDOWN_DAYS = 14
DECLINE_DAYS = 90
MESSAGE_CAP_DAYS = 14
# Days run again: straight after the day itself, and backdated later on.
RERUNS = {10: [10], 16: [1], 20: [15]}

HOT = "acc-a-hot"  # hot, drops on days 6-8, hot again
DECLINER = "acc-b-decliner"  # hot every day; sales declines it on day 3
FIT_ONLY = "acc-c-fit-only"  # high fit, never ready: activation assist
FLIPPER = "acc-d-flipper"  # activation assist, idle on days 4-6, then assist
OFF_PROFILE = "acc-e-off-profile"  # ready, far from the ICP
BORDERLINE = "acc-f-borderline"  # ready every day; fit high on odd days only
ACCOUNTS = (HOT, DECLINER, FIT_ONLY, FLIPPER, OFF_PROFILE, BORDERLINE)
SALES_CHANNELS = ("slack", "crm")


def day_of(number: int) -> date:
    """The calendar date of simulation day `number` (day 1 is START)."""
    return START + timedelta(days=number - 1)


def number_of(when: Any) -> int:
    return (pd.Timestamp(when).date() - START).days + 1


def signals_on(number: int) -> list[dict[str, Any]]:
    """Every account's signals as of simulation day `number`."""
    as_of = day_of(number)
    hot_again = not 6 <= number <= 8
    rows = [
        hot_signals(HOT, as_of) if hot_again else fit_only_signals(HOT, as_of),
        hot_signals(DECLINER, as_of),
        fit_only_signals(FIT_ONLY, as_of),
        idle_signals(FLIPPER, as_of)
        if 4 <= number <= 6
        else fit_only_signals(FLIPPER, as_of),
        busy_off_profile_signals(OFF_PROFILE, as_of),
        hot_signals(BORDERLINE, as_of)
        if number % 2
        else hot_signals(
            BORDERLINE, as_of, employees=10, industry="retail", country="BR"
        ),
    ]
    return rows


@dataclass
class Simulation:
    """What the simulated days left behind, read back once they are over."""

    runs: dict[int, dict[str, Any]]
    reruns: list[tuple[int, dict[str, Any]]]
    after_decline: dict[int, dict[str, Any]]
    outbox: pd.DataFrame
    records: pd.DataFrame
    decisions: pd.DataFrame

    def sent(self, channels: tuple[str, ...]) -> pd.DataFrame:
        """The outbox rows of these channels, each with its simulation day."""
        return self.outbox[self.outbox["channel"].isin(channels)]


def _evaluate(engine: sa.Engine, as_of: date, config: str) -> dict[str, Any]:
    write_signals(engine, signals_on(number_of(as_of)))
    summary = daily_evaluation(as_of=as_of, config_path=config)
    assert summary["failures"] == 0, summary["failed"]
    return summary


def _simulate(engine: sa.Engine, config: str, snapshots: Path) -> Simulation:
    """Run the thirty days, the decline and the reruns; read back what they kept."""
    write_contacts(engine, [contact_row(a, n) for a in ACCOUNTS for n in (1, 2)])
    runs: dict[int, dict[str, Any]] = {}
    reruns: list[tuple[int, dict[str, Any]]] = []
    for number in range(1, DAYS + 1):
        if number == DECLINED_ON_DAY:
            record_feedback(
                engine, account_id=DECLINER, kind="decline", recorded_on=day_of(number)
            )
        runs[number] = _evaluate(engine, day_of(number), config)
        for again in RERUNS.get(number, []):
            reruns.append((again, _evaluate(engine, day_of(again), config)))
    # The last day of the decline window, and the day after it.
    after_decline = {
        number: _evaluate(engine, day_of(number), config)
        for number in (
            DECLINED_ON_DAY + DECLINE_DAYS - 1,
            DECLINED_ON_DAY + DECLINE_DAYS,
        )
    }
    with engine.connect() as conn:
        records = pd.read_sql(
            sa.text("SELECT account_id, qualified_on FROM pqa_records"), conn
        )
    outbox = read_outbox(engine)
    kinds = [("day", n, s) for n, s in runs.items()]
    kinds += [("rerun", n, s) for n, s in reruns]
    decisions = pd.concat(
        [
            read_snapshot(_snapshot(snapshots, n, s["run_id"])).assign(day=n, kind=kind)
            for kind, n, s in kinds
        ],
        ignore_index=True,
    )
    return Simulation(
        runs=runs,
        reruns=reruns,
        after_decline=after_decline,
        outbox=outbox.assign(day=outbox["as_of"].map(number_of)),
        records=records.assign(day=records["qualified_on"].map(number_of)),
        decisions=decisions,
    )


def _snapshot(folder: Path, number: int, run_id: str) -> Path:
    return folder / f"as_of={day_of(number).isoformat()}" / f"{run_id}.parquet"


# One simulation per database, shared by the tests below: each takes a minute.
_SIMULATIONS: dict[str, Simulation] = {}


@pytest.fixture
def simulation(request: pytest.FixtureRequest, database_url: str) -> Simulation:
    """The simulation on this test's database, run by the first test that asks."""
    backend = sa.make_url(database_url).get_backend_name()
    if backend not in _SIMULATIONS:
        engine = request.getfixturevalue("warehouse")
        config = request.getfixturevalue("flow_config")
        snapshots = request.getfixturevalue("tmp_path") / "home" / "snapshots"
        _SIMULATIONS[backend] = _simulate(engine, config, snapshots)
    return _SIMULATIONS[backend]


def _days(rows: pd.DataFrame, account_id: str, channel: str) -> list[int]:
    """The simulation days (1..30) on which an account got a delivery."""
    rows = rows[(rows["account_id"] == account_id) & (rows["channel"] == channel)]
    return sorted(rows.loc[rows["day"] <= DAYS, "day"])


def _decision(decisions: pd.DataFrame, account_id: str, number: int) -> pd.Series:
    rows = decisions[
        (decisions["account_id"] == account_id)
        & (decisions["day"] == number)
        & (decisions["kind"] == "day")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def _reasons(decision: pd.Series) -> set[str]:
    return set(filter(None, str(decision["guardrail"]).split(";")))


def _gaps(days: list[int]) -> list[int]:
    return [later - earlier for earlier, later in itertools.pairwise(sorted(days))]


def _pairs(rows: pd.DataFrame) -> list[tuple[str, int]]:
    return sorted(zip(rows["account_id"], rows["day"], strict=True))


def _alerted(summary: dict[str, Any]) -> set[str]:
    return {alert["account_id"] for alert in summary["alerts"]}


def test_simulation_pqa_cooldown_allows_one_qualification_per_14_days(
    simulation: Simulation,
) -> None:
    outbox = simulation.sent(SALES_CHANNELS)

    # Day 1, then the first day the 14-day window has passed, and again.
    assert _days(outbox, HOT, "slack") == [1, 15, 29]
    assert _days(outbox, HOT, "crm") == [1, 15, 29]
    back_again = _decision(simulation.decisions, HOT, 9)
    assert back_again["scored_disposition"] == "sales_engage"
    assert "pqa_cooldown" in _reasons(back_again) and not back_again["acts"]
    for account_id, rows in outbox.groupby("account_id"):
        for channel in SALES_CHANNELS:
            days = list(rows.loc[rows["channel"] == channel, "day"])
            assert min(_gaps(days), default=COOLDOWN_DAYS) >= COOLDOWN_DAYS, (
                account_id,
                channel,
                days,
            )
    slack = outbox[outbox["channel"] == "slack"]
    assert _pairs(simulation.records) == _pairs(slack)


def test_simulation_declined_account_stays_on_self_serve_for_90_days(
    simulation: Simulation,
) -> None:
    outbox = simulation.sent(SALES_CHANNELS)

    assert _days(outbox, DECLINER, "slack") == [1]
    assert _days(outbox, DECLINER, "crm") == [1]
    for number in range(DECLINED_ON_DAY, DAYS + 1):
        decision = _decision(simulation.decisions, DECLINER, number)
        assert decision["scored_disposition"] == "sales_engage"
        assert "declined_contact" in _reasons(decision)
        assert decision["disposition"] == "self_service_continue"
        assert decision["exit_state"] == "self_service_continue"
    past_cooldown = simulation.runs[COOLDOWN_DAYS + 1]
    assert past_cooldown["suppressed"]["declined_contact"] == 1
    last_declined_day = simulation.after_decline[DECLINED_ON_DAY + DECLINE_DAYS - 1]
    assert DECLINER not in _alerted(last_declined_day)
    assert last_declined_day["suppressed"]["declined_contact"] == 1
    window_over = simulation.after_decline[DECLINED_ON_DAY + DECLINE_DAYS]
    assert DECLINER in _alerted(window_over)


def test_simulation_caps_activation_messages_per_user(simulation: Simulation) -> None:
    in_app = simulation.sent(("in_app",))

    assert _days(in_app, FIT_ONLY, "in_app") == [1, 15, 29]
    assert _days(in_app, FLIPPER, "in_app") == [1, 15, 29]
    returned = _decision(simulation.decisions, FLIPPER, 7)
    assert returned["disposition"] == "activation_assist"
    assert _reasons(returned) == {"message_cap"} and not returned["acts"]
    assert in_app["contact_id"].notna().all()
    for contact_id, rows in in_app.groupby("contact_id"):
        days = list(rows["day"])
        assert min(_gaps(days), default=MESSAGE_CAP_DAYS) >= MESSAGE_CAP_DAYS, (
            contact_id,
            days,
        )


def test_simulation_never_sales_engages_a_low_fit_account(
    simulation: Simulation,
) -> None:
    outbox = simulation.sent(SALES_CHANNELS)
    outbox = outbox[outbox["day"] <= DAYS]
    decisions = simulation.decisions

    fit = decisions.drop_duplicates(["account_id", "day"]).set_index(
        ["account_id", "day"]
    )["fit_score"]
    engaged = pd.MultiIndex.from_frame(outbox[["account_id", "day"]])
    assert len(engaged) > 0
    assert (fit.loc[engaged] >= 70).all()
    assert _days(outbox, OFF_PROFILE, "slack") == []
    assert _days(outbox, BORDERLINE, "slack") == [1, 15, 29]
    low = _decision(decisions, BORDERLINE, 16)
    assert low["fit_score"] < 70 and low["disposition"] == "self_service_continue"


def test_simulation_reruns_send_no_second_alert(simulation: Simulation) -> None:
    outbox = simulation.sent(("slack", "crm", "in_app"))

    assert [number for number, _ in simulation.reruns] == [10, 1, 15]
    for number, summary in simulation.reruns:
        assert summary["alerts_sent"] == 0, number
        assert summary["alerts"] == [] and summary["activation_messages"] == 0
        assert summary["run_id"] not in set(outbox["run_id"]), number
    backdated = dict(simulation.reruns)[15]
    assert backdated["suppressed"]["pqa_cooldown"] >= 2
