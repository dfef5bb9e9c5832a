"""The warehouse connector against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from connectors.warehouse import (
    dispose_engines,
    get_engine,
    insert_lifecycle_moments,
    insert_outbox,
    insert_pqa_records,
    load_contacts,
    load_history,
    load_signals,
    plan_batches,
    read_outbox,
    read_snapshot,
    record_feedback,
    record_run_finish,
    record_run_start,
    save_account_state,
    upgrade_database,
    write_snapshot,
)
from connectors.warehouse_writes import CHUNK_ROWS
from pqa.config import Guardrails
from pqa.errors import ConfigurationError, ConnectorError, InputError
from pqa.schema import VERSION_TABLE, metadata
from tests.warehouse_rows import AS_OF, days_ago, message_row, pqa_row


def _ids(count: int) -> list[str]:
    return [f"acc-{n:06d}" for n in range(1, count + 1)]


def _seed_signals(engine: sa.Engine, ids: list[str], table: str = "signals") -> None:
    frame = pd.DataFrame({"account_id": ids, "employees": range(len(ids))})
    frame.to_sql(table, engine, index=False, if_exists="replace")


def test_upgrade_database_is_idempotent(engine: sa.Engine) -> None:
    upgrade_database(engine)
    upgrade_database(engine)

    with engine.connect() as conn:
        versions = conn.execute(sa.text(f"SELECT * FROM {VERSION_TABLE}")).all()
    assert versions == [("0001",)]


def test_upgrade_database_matches_schema(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, metadata) == []


def test_get_engine_bad_url_names_setting() -> None:
    with pytest.raises(ConfigurationError, match="PQA_DATABASE_URL"):
        get_engine("not a url")
    with pytest.raises(ConfigurationError, match="nosuchdriver"):
        get_engine("nosuchdriver://somewhere/db")


def test_get_engine_sqlite_creates_folder_and_uses_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'w.db'}"

    engine = get_engine(url)

    assert get_engine(url) is engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    dispose_engines()


def test_get_engine_unreachable_server_raises_connector_error() -> None:
    engine = get_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")

    with pytest.raises(ConnectorError, match="The warehouse failed while"):
        load_signals(engine, "account_signals", "a", "z")
    dispose_engines()


@pytest.mark.parametrize("batch_size", [1, 3, 10, 23, 1000])
def test_plan_batches_covers_every_account_once(
    engine: sa.Engine, batch_size: int
) -> None:
    ids = _ids(23)
    _seed_signals(engine, ids[::-1])

    batches = plan_batches(engine, "signals", batch_size)

    assert len(batches) == -(-len(ids) // batch_size)
    loaded = [
        load_signals(engine, "signals", low, high)["account_id"].tolist()
        for low, high in batches
    ]
    assert [a for batch in loaded for a in batch] == ids
    assert all(len(batch) <= batch_size for batch in loaded)


def test_plan_batches_subset_covers_only_those(engine: sa.Engine) -> None:
    ids = _ids(40)
    _seed_signals(engine, ids)
    wanted = ["acc-000031", "acc-000002", "acc-000017", "acc-000003", "nope"]

    batches = plan_batches(engine, "signals", 2, account_ids=wanted)

    assert batches == [("acc-000002", "acc-000003"), ("acc-000017", "acc-000031")]
    loaded = pd.concat(
        load_signals(engine, "signals", low, high, account_ids=wanted)
        for low, high in batches
    )
    assert loaded["account_id"].tolist() == sorted(set(wanted) - {"nope"})


def test_plan_batches_empty_table_returns_nothing(engine: sa.Engine) -> None:
    _seed_signals(engine, [])

    assert plan_batches(engine, "signals", 10) == []
    assert plan_batches(engine, "signals", 10, account_ids=[]) == []


def test_load_signals_reads_only_the_range(engine: sa.Engine) -> None:
    _seed_signals(engine, _ids(10))

    frame = load_signals(engine, "signals", "acc-000003", "acc-000005")

    assert frame["account_id"].tolist() == ["acc-000003", "acc-000004", "acc-000005"]
    assert list(frame.columns) == ["account_id", "employees"]


def test_load_signals_schema_qualified_name(engine: sa.Engine) -> None:
    _seed_signals(engine, _ids(3))
    with engine.connect() as conn:
        schema = "main" if conn.dialect.name == "sqlite" else conn.dialect.name
        if conn.dialect.name == "postgresql":
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()

    frame = load_signals(engine, f"{schema}.signals", "acc-000001", "acc-000009")

    assert len(frame) == 3


def test_load_contacts_reads_only_the_range(engine: sa.Engine) -> None:
    contacts = pd.DataFrame(
        {
            "account_id": ["acc-000001", "acc-000002", "acc-000002", "acc-000003"],
            "contact_id": ["c1", "c2", "c3", "c4"],
        }
    )
    contacts.to_sql("account_contacts", engine, index=False)

    frame = load_contacts(engine, "account_contacts", "acc-000002", "acc-000002")

    assert frame["contact_id"].tolist() == ["c2", "c3"]


@pytest.mark.parametrize(
    "name", ["signals; DROP TABLE x", "a.b.c", "1table", "", "weird-name"]
)
def test_load_signals_bad_table_name_raises_configuration_error(
    engine: sa.Engine, name: str
) -> None:
    with pytest.raises(ConfigurationError, match=r"warehouse\.signals_table"):
        load_signals(engine, name, "a", "z")


def test_load_contacts_missing_table_raises_input_error(engine: sa.Engine) -> None:
    with pytest.raises(InputError, match=r"no table nowhere.*contacts_table"):
        load_contacts(engine, "nowhere", "a", "z")


def test_plan_batches_table_without_account_id_raises_input_error(
    engine: sa.Engine,
) -> None:
    pd.DataFrame({"id": ["x"]}).to_sql("signals", engine, index=False)

    with pytest.raises(InputError, match="no account_id column"):
        plan_batches(engine, "signals", 10)


def _state(account_id: str, disposition: str, run_id: str) -> dict[str, object]:
    return {
        "account_id": account_id,
        "disposition": disposition,
        "exit_state": "not_ready",
        "fit_score": 42.5,
        "readiness_score": 10.0,
        "evaluated_on": AS_OF,
        "recheck_on": AS_OF + timedelta(days=30),
        "run_id": run_id,
    }


def test_save_account_state_upserts_by_account(engine: sa.Engine) -> None:
    save_account_state(
        engine,
        pd.DataFrame(
            [_state("acc-1", "nurture", "r1"), _state("acc-2", "nurture", "r1")]
        ),
    )
    save_account_state(engine, pd.DataFrame([_state("acc-1", "sales_engage", "r2")]))

    history = load_history(
        engine, low="acc-0", high="acc-9", as_of=AS_OF, guardrails=Guardrails()
    )

    state = history.state.sort_values("account_id")
    assert state["disposition"].tolist() == ["sales_engage", "nurture"]
    assert (
        state["recheck_on"].tolist() == [pd.Timestamp(AS_OF + timedelta(days=30))] * 2
    )


def test_save_account_state_missing_values_become_null(engine: sa.Engine) -> None:
    rows = pd.DataFrame(
        [_state("acc-1", "nurture", "r1"), _state("acc-2", "nurture", "r1")]
    )
    rows.loc[1, ["fit_score", "recheck_on", "exit_state"]] = [None, None, None]

    save_account_state(engine, rows)

    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT fit_score, recheck_on, exit_state FROM pqa_account_state"
                " WHERE account_id = 'acc-2'"
            )
        ).one()
    assert tuple(stored) == (None, None, None)


def _statuses(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT account_id, qualified_on, status FROM pqa_records ORDER BY id"
            )
        )
        return [(a, str(q), s) for a, q, s in rows]


@pytest.mark.parametrize(
    ("kind", "status"), [("accept", "accepted"), ("decline", "declined")]
)
def test_record_feedback_sets_latest_pqa_status(
    engine: sa.Engine, kind: str, status: str
) -> None:
    insert_pqa_records(
        engine,
        [
            pqa_row("acc-1", days_ago(40)),
            pqa_row("acc-1", days_ago(3)),
            pqa_row("acc-2", days_ago(3)),
        ],
    )
    save_account_state(engine, [_state("acc-1", "sales_engage", "r1")])

    marked = record_feedback(
        engine, account_id="acc-1", kind=kind, recorded_on=AS_OF, note="call me"
    )

    assert marked is True
    assert _statuses(engine) == [
        ("acc-1", str(days_ago(40)), "qualified"),
        ("acc-1", str(days_ago(3)), status),
        ("acc-2", str(days_ago(3)), "qualified"),
    ]
    with engine.connect() as conn:
        exit_state = conn.execute(
            sa.text("SELECT exit_state FROM pqa_account_state")
        ).scalar()
    assert exit_state == ("sales_engaged" if kind == "accept" else "not_ready")


def test_record_feedback_unknown_kind_raises_input_error(engine: sa.Engine) -> None:
    with pytest.raises(InputError, match="'maybe'"):
        record_feedback(engine, account_id="acc-1", kind="maybe", recorded_on=AS_OF)


def test_record_feedback_without_pqa_returns_false(engine: sa.Engine) -> None:
    assert not record_feedback(
        engine, account_id="acc-1", kind="decline", recorded_on=AS_OF
    )


def test_record_run_start_and_finish_keep_the_run(engine: sa.Engine) -> None:
    record_run_start(engine, run_id="r1", as_of=AS_OF, dry_run=True, flow_run_id=None)
    record_run_start(engine, run_id="r1", as_of=AS_OF, dry_run=True, flow_run_id="f1")
    record_run_finish(
        engine,
        run_id="r1",
        evaluated=7,
        summary={"sales_engage": 2},
        snapshot_path=None,
    )

    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM pqa_runs")).mappings().one()
    assert row["flow_run_id"] == "f1"
    assert bool(row["dry_run"]) is True
    assert row["evaluated"] == 7
    assert row["summary_json"] == '{"sales_engage": 2}'
    assert row["finished_at"] is not None


def test_record_run_finish_unknown_run_raises_connector_error(
    engine: sa.Engine,
) -> None:
    with pytest.raises(ConnectorError, match="no run r9"):
        record_run_finish(
            engine, run_id="r9", evaluated=0, summary={}, snapshot_path=None
        )


def test_insert_outbox_then_read_by_run_and_channel(engine: sa.Engine) -> None:
    rows = [message_row("c1", 0), message_row("c2", 0, channel="slack")]
    rows[1].update(run_id="r1", text="New PQA: Acme", contact_id=None)

    assert insert_outbox(engine, rows) == 2

    everything = read_outbox(engine)
    assert everything["channel"].tolist() == ["in_app", "slack"]
    assert everything["status"].tolist() == ["kept", "kept"]
    assert everything["created_at"].notna().all()
    assert everything["text"].isna().tolist() == [True, False]
    assert everything["contact_id"].isna().tolist() == [False, True]
    assert (
        everything["payload_json"].iloc[0] == '{"title": "Need help getting started?"}'
    )
    slack = read_outbox(engine, run_id="r1", channel="slack")
    assert slack["text"].tolist() == ["New PQA: Acme"]
    assert read_outbox(engine, run_id="r0", channel="slack").empty


def test_insert_outbox_unknown_channel_raises_input_error(engine: sa.Engine) -> None:
    with pytest.raises(InputError, match="'email'"):
        insert_outbox(engine, [message_row("c1", 0, channel="email")])


def test_insert_lifecycle_moments_large_frame_in_chunks(engine: sa.Engine) -> None:
    count = CHUNK_ROWS * 2 + 5
    frame = pd.DataFrame(
        {
            "account_id": [f"acc-{n:06d}" for n in range(count)],
            "as_of": AS_OF,
            "outcome": "nurture",
            "fit_score": 12.5,
            "recheck_on": AS_OF + timedelta(days=30),
            "run_id": "r1",
        }
    )

    assert insert_lifecycle_moments(engine, frame) == count

    with engine.connect() as conn:
        moments = conn.execute(
            sa.text("SELECT COUNT(*), MIN(moment) FROM pqa_lifecycle_moments")
        ).one()
    assert tuple(moments) == (count, "pls_evaluated")


def test_write_snapshot_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "account_id": ["acc-1", "acc-2"],
            "as_of": [AS_OF, AS_OF],
            "fit_score": [70.0, 12.34],
            "disposition": ["sales_engage", "nurture"],
        }
    )

    path = write_snapshot(frame, tmp_path, "run-1")

    assert path == tmp_path / "as_of=2026-03-01" / "run-1.parquet"
    pd.testing.assert_frame_equal(read_snapshot(path), frame)
    assert [p.name for p in path.parent.iterdir()] == ["run-1.parquet"]
