"""Shared fixtures. Database fixtures first; add yours below them.

`engine` runs a test once on SQLite and once on PostgreSQL, each time against
an empty, upgraded warehouse of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.warehouse import dispose_engines, get_engine, upgrade_database

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server of the tests (PQA_TEST_POSTGRES_URL), once reachable.

    An unreachable server skips the postgres cases on a laptop, but fails them
    when CI or PQA_REQUIRE_POSTGRES is set, so CI never passes by skipping.
    """
    url = os.environ.get("PQA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    probe = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        reason = f"PostgreSQL at PQA_TEST_POSTGRES_URL is unreachable: {exc.orig}"
        if os.environ.get("CI") or os.environ.get("PQA_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        probe.dispose()
    return url


@pytest.fixture
def _postgres_database_url(postgres_url: str) -> Iterator[str]:
    # A fresh schema per test, chosen through search_path, so tests never see
    # each other's tables and leave nothing behind.
    schema = f"pqa_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(postgres_url).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty warehouse: a SQLite file in tmp_path, or a fresh schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    url: str = request.getfixturevalue("_postgres_database_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on an empty warehouse whose product tables are at head."""
    warehouse = get_engine(database_url)
    upgrade_database(warehouse)
    try:
        yield warehouse
    finally:
        dispose_engines()
