"""Alembic environment for the product's own tables.

`connectors.warehouse.upgrade_database` runs it in code and hands over an open
connection in `config.attributes["connection"]`, so no alembic.ini is needed.
A developer may still run the alembic command with `sqlalchemy.url` set.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from pqa.schema import VERSION_TABLE, metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Set sqlalchemy.url or pass a connection to migrate.")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("Offline (--sql) migrations are not supported.")
_run_online()
