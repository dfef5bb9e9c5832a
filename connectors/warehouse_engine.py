"""Engines and migrations of the warehouse: the one place that connects.

SQLite (the embedded default) and PostgreSQL are supported. Every database
error that leaves this package is a `ConnectorError` with a sentence.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pqa.errors import ConfigurationError, ConnectorError
from pqa.schema import VERSION_TABLE

logger = logging.getLogger(__name__)

# Writers wait this long for another writer's lock before giving up; a daily
# run and a manual rerun may overlap on the embedded SQLite file.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Any fixed number works; it only has to be the same for every pqa process.
_MIGRATION_LOCK_KEY = 7_201_526

_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


@contextmanager
def database_errors(action: str) -> Iterator[None]:
    """Re-raise the database's own errors as a `ConnectorError` naming `action`."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConnectorError(
            f"The warehouse failed while {action}: {reason.rstrip('.')}."
        ) from exc


def get_engine(url: str) -> sa.Engine:
    """Return the engine for `url`, creating it (and a SQLite file's folder) once.

    Engines are cached per URL so every task in a process shares one pool.

    Raises:
        ConfigurationError: the URL cannot be parsed or names an unknown driver.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every cached engine's connections and forget the engines."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _create_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(
            "PQA_DATABASE_URL is not a valid SQLAlchemy URL; use e.g. "
            "postgresql+psycopg://user@host:5432/db or sqlite:///path/warehouse.db."
        ) from exc
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        _make_sqlite_folder(parsed)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # Long-lived workers outlive server restarts; test before each checkout.
        options["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **options)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ConfigurationError(
            f"PQA_DATABASE_URL names the driver '{parsed.drivername}', which is "
            "not installed; use postgresql+psycopg:// or sqlite:///."
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _tune_sqlite)
    logger.info("Connected engine for %s", parsed.render_as_string(hide_password=True))
    return engine


def _make_sqlite_folder(url: sa.URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the UI, a CLI query) work while a run writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("pqa").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    config.set_main_option("path_separator", "os")
    return config


@functools.cache
def _head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def upgrade_database(engine: sa.Engine) -> None:
    """Bring the product's tables to the latest migration, in place.

    Safe and cheap on every run: when the database is already at head this is
    one small query.
    """
    with database_errors("upgrading the product's tables"), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two runs starting together must not both create the tables.
            conn.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": _MIGRATION_LOCK_KEY},
            )
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        )
        current = context.get_current_revision()
        head = _head_revision()
        if current == head:
            return
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    logger.info("Upgraded the warehouse from revision %s to %s", current, head)
