"""`pqa score`: files in and out, and every mistake as one sentence, exit 2."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pqa.cli import main
from pqa.errors import InputError
from pqa.signals import read_signals_file
from tests.factories import EXAMPLE_CONFIG, REPO, signals_frame, signals_row

PQA = Path(sys.executable).parent / "pqa"
SIGNAL_COLUMNS = [
    f"points_{signal}"
    for signal in (
        "size",
        "industry",
        "tech",
        "geography",
        "budget",
        "users",
        "depth",
        "velocity",
        "expansion",
        "recency",
    )
]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `pqa ARGS...` through main(), returning (exit code, stdout, stderr)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["pqa", *map(str, args)])
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        return exited.value.code or 0, captured.out, captured.err

    return invoke


def _pqa_process(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PQA_CONFIG"}
    env["COLUMNS"] = "80"
    return subprocess.run(
        [str(PQA), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def _strong_and_floor() -> pd.DataFrame:
    return signals_frame(
        signals_row(
            account_id="hot",
            employees=900,
            industry="software",
            technologies="snowflake;dbt",
            country="US",
            enterprise_tools="okta;salesforce",
            active_users_30d=9,
            features_used="sso",
            activated_date="2025-01-03",
            limit_hits_30d=2,
            last_active_date="2026-02-28",
        ),
        signals_row(account_id="cold"),
    )


def _assert_one_sentence(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith("Error: ")
    assert err.count("\n") == 1
    for fragment in fragments:
        assert fragment in err


def test_pqa_score_csv_round_trip(tmp_path: Path, run) -> None:
    source, target = tmp_path / "signals.csv", tmp_path / "out" / "scores.csv"
    _strong_and_floor().to_csv(source, index=False)

    code, out, _ = run(
        "score", source, "-c", EXAMPLE_CONFIG, "--as-of", "2026-03-01", "-o", target
    )

    assert code == 0
    assert "Scored 2 accounts" in out
    scored = pd.read_csv(target, keep_default_na=False)
    assert {"account_id", "fit_score", "readiness_score", "disposition"} <= set(
        scored.columns
    )
    assert set(SIGNAL_COLUMNS) <= set(scored.columns)
    assert scored["account_id"].tolist() == ["hot", "cold"]
    assert scored["disposition"].tolist() == ["sales_engage", "nurture"]
    assert scored["fit_score"].tolist() == [100, 38.5]
    assert scored["points_recency"].tolist() == [100, 0]


def test_pqa_score_parquet_round_trip_with_list_columns(tmp_path: Path, run) -> None:
    source, target = tmp_path / "signals.parquet", tmp_path / "scores.parquet"
    frame = _strong_and_floor()
    frame["technologies"] = [["Snowflake", "dbt"], []]
    frame["enterprise_tools"] = [["okta", "salesforce"], None]
    frame["features_used"] = [["sso"], []]
    frame["employees"] = pd.array([900, None], dtype="Int64")
    frame.to_parquet(source, index=False)

    code, _, _ = run(
        "score", source, "-c", EXAMPLE_CONFIG, "--as-of", "2026-03-01", "-o", target
    )

    assert code == 0
    scored = pd.read_parquet(target)
    assert scored["account_id"].tolist() == ["hot", "cold"]
    assert scored["disposition"].tolist() == ["sales_engage", "nurture"]
    assert scored["points_tech"].tolist() == [100, 40]
    assert scored["unusable_fields"].tolist() == ["", "enterprise_tools"]
    assert set(SIGNAL_COLUMNS) <= set(scored.columns)


def test_pqa_score_as_of_changes_recency(tmp_path: Path, run) -> None:
    source = tmp_path / "signals.csv"
    _strong_and_floor().to_csv(source, index=False)

    for day, points in (("2026-03-01", 100), ("2026-05-01", 0)):
        target = tmp_path / f"{day}.csv"
        code, _, _ = run(
            "score", source, "-c", EXAMPLE_CONFIG, "--as-of", day, "-o", target
        )
        assert code == 0
        assert pd.read_csv(target)["points_recency"].iloc[0] == points


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "01/03/2026"])
def test_pqa_score_bad_as_of_is_one_sentence(tmp_path: Path, run, day: str) -> None:
    source = tmp_path / "signals.csv"
    _strong_and_floor().to_csv(source, index=False)

    code, _, err = run(
        "score", source, "-c", EXAMPLE_CONFIG, "--as-of", day, "-o", tmp_path / "o.csv"
    )

    _assert_one_sentence(code, err, day, "YYYY-MM-DD")


@pytest.mark.parametrize("name", ["signals.csv", "signals.parquet"])
def test_read_signals_file_garbage_is_refused_in_one_line(
    tmp_path: Path, name: str
) -> None:
    source = tmp_path / name
    source.write_bytes(bytes(range(256)) * 8)

    with pytest.raises(InputError) as caught:
        read_signals_file(source)

    assert str(source) in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ["signals.csv", "signals.parquet"])
def test_pqa_score_garbage_file_is_one_sentence(tmp_path: Path, run, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(bytes(range(256)) * 8)

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, name)
    assert not (tmp_path / "o.csv").exists()


def test_pqa_score_empty_csv_is_one_sentence(tmp_path: Path, run) -> None:
    source = tmp_path / "signals.csv"
    source.write_text("")

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "signals.csv")


def test_pqa_score_missing_account_id_column(tmp_path: Path, run) -> None:
    source = tmp_path / "signals.csv"
    _strong_and_floor().drop(columns="account_id").to_csv(source, index=False)

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "no account_id column")


def test_pqa_score_duplicate_account_ids(tmp_path: Path, run) -> None:
    source = tmp_path / "signals.csv"
    frame = signals_frame(
        signals_row(account_id="a-1"),
        signals_row(account_id="b-2"),
        signals_row(account_id=" a-1 "),
    )
    frame.to_csv(source, index=False)

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "repeats account_id a-1")
    assert not (tmp_path / "o.csv").exists()


def test_pqa_score_bad_row_does_not_fail_the_file(tmp_path: Path, run) -> None:
    source, target = tmp_path / "signals.csv", tmp_path / "o.csv"
    frame = _strong_and_floor().astype(object)
    frame.loc[1, ["employees", "signup_date", "active_users_30d"]] = [
        "lots",
        "someday",
        "-3",
    ]
    frame.to_csv(source, index=False)

    code, out, _ = run(
        "score", source, "-c", EXAMPLE_CONFIG, "--as-of", "2026-03-01", "-o", target
    )

    assert code == 0
    assert "1 account has unusable fields" in out
    scored = pd.read_csv(target, keep_default_na=False)
    assert scored["unusable_fields"].tolist() == [
        "",
        "employees;active_users_30d;signup_date",
    ]
    assert scored["disposition"].tolist() == ["sales_engage", "nurture"]


def test_pqa_score_rows_without_account_id_are_dropped_with_warning(
    tmp_path: Path, run, caplog: pytest.LogCaptureFixture
) -> None:
    source, target = tmp_path / "signals.csv", tmp_path / "o.csv"
    frame = signals_frame(
        signals_row(account_id="a-1"),
        signals_row(account_id=""),
        signals_row(account_id="   "),
        signals_row(account_id="b-2"),
    )
    frame.to_csv(source, index=False)

    with caplog.at_level(logging.WARNING, logger="pqa.signals"):
        code, _, _ = run("score", source, "-c", EXAMPLE_CONFIG, "-o", target)

    assert code == 0
    assert pd.read_csv(target)["account_id"].tolist() == ["a-1", "b-2"]
    assert "Skipped 2 rows" in caplog.text
    assert "signals.csv" in caplog.text


@pytest.mark.parametrize("name", ["scores.txt", "scores", "scores.xlsx"])
def test_pqa_score_wrong_output_extension(tmp_path: Path, run, name: str) -> None:
    source = tmp_path / "signals.csv"
    _strong_and_floor().to_csv(source, index=False)

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / name)

    _assert_one_sentence(code, err, name, ".csv or .parquet")


def test_pqa_score_wrong_input_extension(tmp_path: Path, run) -> None:
    source = tmp_path / "signals.json"
    source.write_text("[]")

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "signals.json")


def test_pqa_score_missing_input_file(tmp_path: Path, run) -> None:
    source = tmp_path / "nowhere.csv"

    code, _, err = run("score", source, "-c", EXAMPLE_CONFIG, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "nowhere.csv", "does not exist")


def test_pqa_score_bad_config_is_one_sentence(tmp_path: Path, run) -> None:
    source, config = tmp_path / "signals.csv", tmp_path / "pqa.toml"
    _strong_and_floor().to_csv(source, index=False)
    config.write_text('[icp]\n[fit.weights]\nsize = "lots"\n')

    code, _, err = run("score", source, "-c", config, "-o", tmp_path / "o.csv")

    _assert_one_sentence(code, err, "fit.weights.size", "pqa.toml")


def test_pqa_score_without_any_config_says_how_to_fix(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PQA_CONFIG", raising=False)
    _strong_and_floor().to_csv("signals.csv", index=False)

    code, _, err = run("score", "signals.csv", "-o", "o.csv")

    _assert_one_sentence(code, err, "pqa.toml", "--config")


def test_pqa_score_reads_config_from_environment(
    tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PQA_CONFIG", str(EXAMPLE_CONFIG))
    source = tmp_path / "signals.csv"
    _strong_and_floor().to_csv(source, index=False)

    code, _, _ = run("score", source, "-o", tmp_path / "o.csv")

    assert code == 0


def test_pqa_help_names_the_commands(run) -> None:
    code, out, _ = run("--help")

    assert code == 0
    assert "score" in out
    assert "fit" in out
    assert "readiness" in out


def test_pqa_score_help_names_its_options(run) -> None:
    code, out, _ = run("score", "--help")

    assert code == 0
    for option in ("--config", "--as-of", "--output", "YYYY-MM-DD"):
        assert option in out
    assert ".csv" in out
    assert ".parquet" in out


def test_pqa_process_bad_config_exits_2_without_traceback(tmp_path: Path) -> None:
    source, config = tmp_path / "signals.csv", tmp_path / "pqa.toml"
    _strong_and_floor().to_csv(source, index=False)
    config.write_text("[icp]\nsizes = 1\n")

    done = _pqa_process("score", source, "-c", config, "-o", "o.csv", cwd=tmp_path)

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unknown key 'icp.sizes'" in done.stderr
    assert done.stderr.count("\n") == 1


def test_pqa_process_duplicate_ids_exit_2_without_traceback(tmp_path: Path) -> None:
    source = tmp_path / "signals.csv"
    source.write_text("account_id,employees\nx,1\nx,2\n")

    done = _pqa_process(
        "score", source, "-c", EXAMPLE_CONFIG, "-o", "o.csv", cwd=tmp_path
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "repeats account_id x" in done.stderr


def test_pqa_process_long_error_stays_one_line(tmp_path: Path) -> None:
    folder = tmp_path / ("configuration_folder_with_a_long_name_" * 2)
    folder.mkdir()
    config = folder / "pqa.toml"
    config.write_text("[icp]\nsizes = 1\n")

    done = _pqa_process(
        "score", REPO / "x.csv", "-c", config, "-o", "o.csv", cwd=tmp_path
    )

    assert done.returncode == 2
    assert str(config) in done.stderr
    assert done.stderr.count("\n") == 1
