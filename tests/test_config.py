"""The configuration file: defaults, and every way a file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pqa.config import Config, load_config, parse_config
from pqa.errors import ConfigurationError
from tests.factories import EXAMPLE_CONFIG, write_config

ICP_ONLY = '[icp]\ntarget_industries = ["software"]\n'


def _refusal(tmp_path: Path, text: str) -> str:
    path = write_config(tmp_path / "pqa.toml", text)
    with pytest.raises(ConfigurationError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_load_config_icp_only_gives_contract_weights(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "pqa.toml", ICP_ONLY))

    assert config.fit.weights.model_dump() == {
        "size": 25,
        "industry": 20,
        "tech": 20,
        "geography": 15,
        "budget": 20,
    }
    assert config.readiness.weights.model_dump() == {
        "users": 20,
        "depth": 25,
        "velocity": 20,
        "expansion": 20,
        "recency": 15,
    }


def test_load_config_icp_only_gives_contract_thresholds_and_tiers(
    tmp_path: Path,
) -> None:
    config = load_config(write_config(tmp_path / "pqa.toml", ICP_ONLY))

    assert (config.thresholds.fit, config.thresholds.readiness) == (70, 70)
    assert config.tiers.model_dump() == {
        "large_company_employees": 500,
        "mid_company_employees": 100,
        "strong_tech_matches": 2,
        "strong_tool_matches": 2,
        "many_active_users": 5,
        "some_active_users": 3,
        "fast_activation_days": 7,
        "normal_activation_days": 30,
    }
    assert config.guardrails.model_dump() == {
        "pqa_cooldown_days": 14,
        "decline_days": 90,
        "message_cap_days": 14,
        "engaged_days": 90,
    }


def test_load_config_example_file_matches_defaults() -> None:
    example = load_config(EXAMPLE_CONFIG)
    defaults = parse_config({"icp": example.icp.model_dump()})

    assert example.fit == defaults.fit
    assert example.readiness == defaults.readiness
    assert example.thresholds == defaults.thresholds
    assert example.tiers == defaults.tiers
    assert example.guardrails == defaults.guardrails
    assert example.icp.technologies == ("Snowflake", "dbt", "Segment")


def test_load_config_icp_entries_are_stripped(tmp_path: Path) -> None:
    text = '[icp]\ntechnologies = ["  Snowflake ", "dbt"]\n'
    config = load_config(write_config(tmp_path / "pqa.toml", text))

    assert config.icp.technologies == ("Snowflake", "dbt")


def test_load_config_weights_not_adding_to_100_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[fit.weights]\nsize = 30\n")

    assert "'fit.weights'" in message
    assert "add up to 105" in message


def test_load_config_readiness_weights_short_of_100_names_key(
    tmp_path: Path,
) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[readiness.weights]\nrecency = 5\n")

    assert "'readiness.weights'" in message
    assert "add up to 90" in message


def test_load_config_unknown_top_level_key_names_it(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[thresholdz]\nfit = 70\n")

    assert "unknown key 'thresholdz'" in message


def test_load_config_unknown_nested_key_names_it(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[fit.weights]\nsizes = 25\n")

    assert "unknown key 'fit.weights.sizes'" in message


def test_load_config_unknown_icp_key_names_it(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + 'industries = ["x"]\n')

    assert "unknown key 'icp.industries'" in message


def test_load_config_string_weight_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + '[fit.weights]\nsize = "25"\n')

    assert "'fit.weights.size'" in message
    assert "'25'" in message


def test_load_config_float_weight_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[readiness.weights]\ndepth = 25.0\n")

    assert "'readiness.weights.depth'" in message
    assert "25.0" in message


def test_load_config_negative_weight_names_key(tmp_path: Path) -> None:
    text = ICP_ONLY + "[fit.weights]\nsize = -5\nindustry = 50\n"
    message = _refusal(tmp_path, text)

    assert "'fit.weights.size'" in message


@pytest.mark.parametrize("value", ["100.5", "-1", "101"])
def test_load_config_threshold_outside_0_to_100_names_key(
    tmp_path: Path, value: str
) -> None:
    message = _refusal(tmp_path, ICP_ONLY + f"[thresholds]\nfit = {value}\n")

    assert "'thresholds.fit'" in message
    assert value in message


def test_load_config_threshold_with_three_decimals_names_key(
    tmp_path: Path,
) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[thresholds]\nreadiness = 70.125\n")

    assert "'thresholds.readiness'" in message
    assert "two decimals" in message


@pytest.mark.parametrize("value", [0.07, 0.57, 1.1, 70.57, 70.29, 99.99, 0, 100])
def test_load_config_threshold_with_two_decimals_is_accepted(
    tmp_path: Path, value: float
) -> None:
    # Hundredths that binary floats cannot hold exactly (70.57 * 100 is
    # 7056.999...) are still two decimals as the user wrote them.
    text = ICP_ONLY + f"[thresholds]\nfit = {value}\n"
    config = load_config(write_config(tmp_path / "pqa.toml", text))

    assert config.thresholds.fit == value
    assert config.thresholds.fit_hundredths == round(value * 100)


@pytest.mark.parametrize("value", ["true", '"70"'])
def test_load_config_threshold_of_wrong_type_names_key(
    tmp_path: Path, value: str
) -> None:
    message = _refusal(tmp_path, ICP_ONLY + f"[thresholds]\nfit = {value}\n")

    assert "'thresholds.fit'" in message


def test_load_config_missing_icp_names_it(tmp_path: Path) -> None:
    message = _refusal(tmp_path, "[thresholds]\nfit = 70\n")

    assert "required key 'icp' is missing" in message


def test_load_config_empty_file_names_missing_icp(tmp_path: Path) -> None:
    message = _refusal(tmp_path, "")

    assert "'icp'" in message


def test_load_config_not_toml_says_so(tmp_path: Path) -> None:
    message = _refusal(tmp_path, "icp: {target_industries: [software]}\n")

    assert "is not valid TOML" in message


def test_load_config_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pqa.toml"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")

    with pytest.raises(ConfigurationError, match=r"pqa\.toml"):
        load_config(path)


def test_load_config_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    with pytest.raises(ConfigurationError) as caught:
        load_config(path)

    assert str(path) in str(caught.value)
    assert "does not exist" in str(caught.value)
    assert "--config" in str(caught.value)


@pytest.mark.parametrize(
    ("table", "low", "high"),
    [
        (
            "mid_company_employees = 600",
            "mid_company_employees",
            "large_company_employees",
        ),
        ("some_active_users = 6", "some_active_users", "many_active_users"),
        (
            "fast_activation_days = 31",
            "fast_activation_days",
            "normal_activation_days",
        ),
    ],
)
def test_load_config_tiers_out_of_order_name_both_keys(
    tmp_path: Path, table: str, low: str, high: str
) -> None:
    message = _refusal(tmp_path, ICP_ONLY + f"[tiers]\n{table}\n")

    assert "'tiers'" in message
    assert low in message
    assert high in message


def test_load_config_zero_tier_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, ICP_ONLY + "[tiers]\nstrong_tech_matches = 0\n")

    assert "'tiers.strong_tech_matches'" in message


def test_load_config_blank_icp_entry_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, '[icp]\ntechnologies = ["dbt", "  "]\n')

    assert "'icp.technologies'" in message
    assert "empty" in message


def test_load_config_icp_entry_with_separator_names_key(tmp_path: Path) -> None:
    message = _refusal(tmp_path, '[icp]\ncore_features = ["a;b"]\n')

    assert "'icp.core_features'" in message


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "pqa.toml", ICP_ONLY))

    assert isinstance(config, Config)
    with pytest.raises(ValueError, match="frozen"):
        config.thresholds.fit = 10  # type: ignore[misc]
