"""Small builders of signals rows, frames and configurations for the tests.

The default row is a "floor" account: every field is usable and every signal
sits at its lowest tier, so a test changes only the field it is about.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pqa.config import Config, parse_config
from pqa.scoring import score_accounts

AS_OF = date(2026, 3, 1)
REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "pqa.example.toml"

# Mixed case on purpose: matching ignores it, evidence keeps this spelling.
ICP: dict[str, list[str]] = {
    "target_industries": ["Software", "fintech"],
    "adjacent_industries": ["media", "education"],
    "technologies": ["Snowflake", "dbt", "Segment"],
    "target_countries": ["US", "GB"],
    "supported_countries": ["DE", "FR", "CA"],
    "enterprise_tools": ["Salesforce", "Okta", "Workday"],
    "power_features": ["sso", "api", "audit_log"],
    "core_features": ["dashboards", "sharing"],
}

FLOOR_FIT = 38.5
FLOOR_READINESS = 19.5


def signals_row(**overrides: Any) -> dict[str, Any]:
    """One account's canonical signals at the lowest tier of every signal."""
    row: dict[str, Any] = {
        "account_id": "acc-1",
        "name": "Acme",
        "domain": "acme.test",
        "employees": 10,
        "industry": "retail",
        "technologies": "",
        "country": "BR",
        "enterprise_tools": "",
        "active_users_30d": 0,
        "active_users_prev_30d": 0,
        "features_used": "",
        "signup_date": "2025-01-01",
        "activated_date": None,
        "seat_requests_30d": 0,
        "limit_hits_30d": 0,
        "last_active_date": None,
    }
    row.update(overrides)
    return row


def signals_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A frame of rows, numbering account ids that the rows leave at default."""
    numbered = [
        {**row, "account_id": f"acc-{i + 1}"} if row["account_id"] == "acc-1" else row
        for i, row in enumerate(rows)
    ]
    return pd.DataFrame(numbered)


def make_config(**tables: dict[str, Any]) -> Config:
    """The test ICP with contract defaults, overridden table by table."""
    data: dict[str, Any] = {"icp": dict(ICP)}
    for name, table in tables.items():
        if name in {"fit", "readiness"}:
            data[name] = {"weights": table}
        else:
            data[name] = table
    return parse_config(data)


def score_frame(
    frame: pd.DataFrame, config: Config | None = None, as_of: date = AS_OF
) -> pd.DataFrame:
    """Score a frame with the test configuration as of AS_OF."""
    return score_accounts(frame, config or make_config(), as_of)


def score_row(
    config: Config | None = None, as_of: date = AS_OF, **overrides: Any
) -> pd.Series:
    """Score one account built from the floor row and the given fields."""
    scored = score_frame(pd.DataFrame([signals_row(**overrides)]), config, as_of)
    return scored.iloc[0]


def write_config(path: Path, text: str) -> Path:
    """Write a TOML configuration file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path
