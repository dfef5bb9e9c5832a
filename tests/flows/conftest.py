"""Fixtures of the flow tests: a Prefect test server, a warehouse, and factories.

Every flow test runs against one session-wide Prefect server (the 2-core CI
needs a generous start-up timeout) and against the `engine` fixture's empty
warehouse, once on SQLite and once on PostgreSQL. The factories write the
signals and contacts tables exactly as a test wants them for the day it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from prefect.testing.utilities import prefect_test_harness

from tests.factories import ICP, signals_row

SERVER_STARTUP_TIMEOUT_S = 120


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server and database for the whole session.

    Analytics are off: there is no network here, and the server would log
    every failed attempt to send them.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        with prefect_test_harness(server_startup_timeout=SERVER_STARTUP_TIMEOUT_S):
            yield


@pytest.fixture
def warehouse(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> sa.Engine:
    """Point the flow at the test warehouse and keep its snapshots in tmp_path.

    The URL carries the engine's query too, so on PostgreSQL the flow lands
    in the test's own schema (search_path in `options`).
    """
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PQA_DATABASE_URL", url)
    monkeypatch.setenv("PQA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PQA_CONFIG", raising=False)
    return engine


def write_flow_config(folder: Path, **tables: dict[str, Any]) -> str:
    """Write a TOML configuration (the test ICP plus `tables`); return its path."""
    lines = ["[icp]"]
    lines += [f"{key} = {_toml(values)}" for key, values in ICP.items()]
    for name, table in tables.items():
        lines.append(f"\n[{name}]")
        lines += [f"{key} = {_toml(value)}" for key, value in table.items()]
    path = folder / f"pqa-{len(list(folder.glob('pqa-*.toml')))}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@pytest.fixture
def flow_config(tmp_path: Path) -> str:
    """The default configuration file of the flow tests."""
    return write_flow_config(tmp_path)


def hot_signals(account_id: str, as_of: date, **overrides: Any) -> dict[str, Any]:
    """An account at the top tier of every signal as of `as_of`: a PQA."""
    row = signals_row(
        account_id=account_id,
        name=f"Company {account_id}",
        domain=f"{account_id}.test",
        employees=800,
        industry="Software",
        technologies="Snowflake;dbt",
        country="US",
        enterprise_tools="Salesforce;Okta",
        active_users_30d=8,
        active_users_prev_30d=4,
        features_used="sso;dashboards",
        signup_date=(as_of - timedelta(days=60)).isoformat(),
        activated_date=(as_of - timedelta(days=58)).isoformat(),
        seat_requests_30d=2,
        limit_hits_30d=3,
        last_active_date=as_of.isoformat(),
    )
    row.update(overrides)
    return row


def fit_only_signals(account_id: str, as_of: date, **overrides: Any) -> dict[str, Any]:
    """High fit, idle product use: an activation assist."""
    row = hot_signals(
        account_id,
        as_of,
        active_users_30d=1,
        active_users_prev_30d=1,
        features_used="",
        activated_date=None,
        seat_requests_30d=0,
        limit_hits_30d=0,
        last_active_date=(as_of - timedelta(days=20)).isoformat(),
    )
    row.update(overrides)
    return row


def busy_off_profile_signals(
    account_id: str, as_of: date, **overrides: Any
) -> dict[str, Any]:
    """Ready but far from the ICP: self-service continues."""
    row = hot_signals(
        account_id,
        as_of,
        employees=10,
        industry="retail",
        technologies="",
        country="BR",
        enterprise_tools="",
    )
    row.update(overrides)
    return row


def idle_signals(account_id: str, as_of: date, **overrides: Any) -> dict[str, Any]:
    """Neither fit nor ready: nurture."""
    row = signals_row(account_id=account_id, name=f"Company {account_id}")
    row.update(domain=f"{account_id}.test", **overrides)
    return row


def contact_row(account_id: str, number: int, **overrides: Any) -> dict[str, Any]:
    """One contact of an account; the first is an active user by default."""
    row = {
        "account_id": account_id,
        "contact_id": f"{account_id}-c{number}",
        "name": f"Person {number} of {account_id}",
        "email": f"person{number}@{account_id}.test",
        "title": "Data Analyst" if number == 1 else "VP Finance",
        "active_days_30d": 12 if number == 1 else 0,
        "invites_sent_30d": 2 if number == 1 else 0,
    }
    row.update(overrides)
    return row


def write_signals(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    """Replace the signals table with exactly these rows."""
    _replace(engine, "account_signals", pd.DataFrame(rows))


def write_contacts(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    """Replace the contacts table with exactly these rows."""
    _replace(engine, "account_contacts", pd.DataFrame(rows))


def _replace(engine: sa.Engine, table: str, frame: pd.DataFrame) -> None:
    with engine.begin() as conn:
        frame.to_sql(table, conn, if_exists="replace", index=False)


def count_rows(engine: sa.Engine, table: str, where: str = "") -> int:
    """How many rows a product table holds, optionally filtered by SQL."""
    sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())
