"""The configuration file: ICP lists, weights, tiers, thresholds and windows.

Loaded from TOML into frozen, validated objects. Only `[icp]` is required;
every other table falls back to the contract's defaults. A bad file is refused
with one sentence that names the file and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pqa.errors import ConfigurationError

FIT_SIGNALS = ("size", "industry", "tech", "geography", "budget")
READINESS_SIGNALS = ("users", "depth", "velocity", "expansion", "recency")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IcpConfig(_Table):
    """The ideal customer profile: what fit and depth are matched against."""

    target_industries: tuple[str, ...] = ()
    adjacent_industries: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    supported_countries: tuple[str, ...] = ()
    enterprise_tools: tuple[str, ...] = ()
    power_features: tuple[str, ...] = ()
    core_features: tuple[str, ...] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _drop_blanks(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        # Matching ignores case and surrounding space, so keep the user's
        # spelling for evidence text but refuse entries that can never match.
        cleaned = tuple(v.strip() for v in values)
        if any(not v for v in cleaned):
            raise ValueError("entries must not be empty")
        if any(";" in v for v in cleaned):
            raise ValueError("entries must not contain ';', the list separator")
        return cleaned


class _Weights(_Table):
    @model_validator(mode="after")
    def _add_up_to_100(self) -> _Weights:
        total = sum(self.model_dump().values())
        if total != 100:
            raise ValueError(f"the weights add up to {total}; they must add up to 100")
        return self


_Percent = Field(ge=0, le=100, strict=True)


class FitWeights(_Weights):
    """Percent of the fit score each fit signal carries."""

    size: int = Field(25, ge=0, le=100, strict=True)
    industry: int = Field(20, ge=0, le=100, strict=True)
    tech: int = Field(20, ge=0, le=100, strict=True)
    geography: int = Field(15, ge=0, le=100, strict=True)
    budget: int = Field(20, ge=0, le=100, strict=True)


class ReadinessWeights(_Weights):
    """Percent of the readiness score each readiness signal carries."""

    users: int = Field(20, ge=0, le=100, strict=True)
    depth: int = Field(25, ge=0, le=100, strict=True)
    velocity: int = Field(20, ge=0, le=100, strict=True)
    expansion: int = Field(20, ge=0, le=100, strict=True)
    recency: int = Field(15, ge=0, le=100, strict=True)


class FitConfig(_Table):
    weights: FitWeights = FitWeights()


class ReadinessConfig(_Table):
    weights: ReadinessWeights = ReadinessWeights()


class Thresholds(_Table):
    """Scores at or above these count as high fit and high readiness."""

    fit: float = Field(70, ge=0, le=100, strict=True)
    readiness: float = Field(70, ge=0, le=100, strict=True)

    @field_validator("fit", "readiness")
    @classmethod
    def _two_decimals(cls, value: float) -> float:
        # round() to 2 places compares decimal digits; value * 100 would
        # refuse 70.57, whose binary product is 7056.999...
        if round(value, 2) != value:
            raise ValueError("thresholds take at most two decimals")
        return value

    @property
    def fit_hundredths(self) -> int:
        return round(self.fit * 100)

    @property
    def readiness_hundredths(self) -> int:
        return round(self.readiness * 100)


class Tiers(_Table):
    """The boundaries between the tiers of the score tables."""

    large_company_employees: int = Field(500, ge=1)
    mid_company_employees: int = Field(100, ge=1)
    strong_tech_matches: int = Field(2, ge=1)
    strong_tool_matches: int = Field(2, ge=1)
    many_active_users: int = Field(5, ge=1)
    some_active_users: int = Field(3, ge=1)
    fast_activation_days: int = Field(7, ge=0)
    normal_activation_days: int = Field(30, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        pairs = [
            ("mid_company_employees", "large_company_employees"),
            ("some_active_users", "many_active_users"),
            ("fast_activation_days", "normal_activation_days"),
        ]
        for low, high in pairs:
            if getattr(self, low) > getattr(self, high):
                raise ValueError(f"{low} must not be greater than {high}")
        return self


class Guardrails(_Table):
    """The windows of the guardrails, in days."""

    pqa_cooldown_days: int = Field(14, ge=0)
    decline_days: int = Field(90, ge=0)
    message_cap_days: int = Field(14, ge=0)
    # Once sales accept a PQA they own the account: no new alert for it.
    engaged_days: int = Field(90, ge=0)


class Plays(_Table):
    """What the plays say and when they look again."""

    recheck_days: int = Field(30, ge=1)
    product_name: str = "our product"
    quickstart_path: str = "/enterprise-quickstart"
    sales_channel: str = "#pqa-alerts"


class Warehouse(_Table):
    """Where the signals and contacts live, and how many accounts a batch holds."""

    signals_table: str = "account_signals"
    contacts_table: str = "account_contacts"
    batch_size: int = Field(50_000, ge=1)


class Schedule(_Table):
    """When the daily evaluation runs."""

    cron: str = "0 6 * * *"
    timezone: str = "UTC"


class Config(_Table):
    """The whole configuration file."""

    icp: IcpConfig
    fit: FitConfig = FitConfig()
    readiness: ReadinessConfig = ReadinessConfig()
    thresholds: Thresholds = Thresholds()
    tiers: Tiers = Tiers()
    guardrails: Guardrails = Guardrails()
    plays: Plays = Plays()
    warehouse: Warehouse = Warehouse()
    schedule: Schedule = Schedule()


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file.

    Raises:
        ConfigurationError: the file is missing, is not TOML, or breaks a rule;
            the message names the file and the key.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"Configuration file {path} does not exist; pass --config FILE, "
            "set PQA_CONFIG, or create pqa.toml (see pqa.example.toml)."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"Cannot read configuration file {path}: {exc}."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"Configuration file {path} is not valid TOML: {exc}."
        ) from exc
    return parse_config(data, source=str(path))


def parse_config(data: dict[str, Any], source: str = "<config>") -> Config:
    """Validate an already-parsed configuration mapping."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(describe_error(exc, source)) from None


def describe_error(exc: ValidationError, source: str) -> str:
    """Turn pydantic's first complaint into one sentence naming the key."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"Configuration file {source}: unknown key '{key}'; remove or fix it."
    if kind == "missing":
        return f"Configuration file {source}: required key '{key}' is missing."
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    shown = "" if isinstance(value, dict) else f" (got {value!r})"
    return f"Configuration file {source}: key '{key}' is invalid{shown}: {message}."
