"""Score N generated accounts and print accounts per second and peak memory.

Run: .venv/bin/python bench/score_bench.py --accounts 1000000
Scoring time covers normalisation, points, scores, disposition and evidence
on an in-memory frame (reading files is not part of it).
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pqa.config import load_config
from pqa.scoring import score_accounts

AS_OF = date(2026, 12, 3)
EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "pqa.example.toml"


def generate(accounts: int, seed: int) -> pd.DataFrame:
    """Signals shaped like a warehouse extract: typed numbers, ISO date text."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str], size: int = accounts) -> np.ndarray:
        return rng.choice(np.array(values, dtype=object), size=size)

    def days_before(high: int) -> pd.Series:
        offsets = rng.integers(0, high, accounts)
        stamps = np.datetime64(AS_OF) - offsets.astype("timedelta64[D]")
        return pd.Series(stamps.astype("datetime64[D]").astype(str))

    active = rng.poisson(1.5, accounts)
    signup = days_before(400)
    activated = (pd.to_datetime(signup) + pd.to_timedelta(
        rng.integers(0, 60, accounts), unit="D")).dt.strftime("%Y-%m-%d")  # fmt: skip
    return pd.DataFrame(
        {
            "account_id": pd.Series(np.arange(accounts)).map("acc-{:07d}".format),
            "name": "Company",
            "employees": rng.lognormal(3.5, 1.5, accounts).astype(np.int64),
            "industry": pick(["software", "fintech", "media", "retail", "health"]),
            "technologies": pick(["snowflake;dbt", "segment", "", "mysql;redshift"]),
            "country": pick(["US", "GB", "DE", "BR", "IN"]),
            "enterprise_tools": pick(["salesforce;okta", "okta", "", "hubspot"]),
            "active_users_30d": active,
            "active_users_prev_30d": rng.poisson(1.4, accounts),
            "features_used": pick(["sso;api", "dashboards", "", "sharing;export"]),
            "signup_date": signup,
            "activated_date": activated.where(rng.random(accounts) < 0.6),
            "seat_requests_30d": rng.poisson(0.05, accounts),
            "limit_hits_30d": rng.poisson(0.1, accounts),
            "last_active_date": days_before(90),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", type=Path, default=EXAMPLE_CONFIG)
    args = parser.parse_args()

    config = load_config(args.config)
    frame = generate(args.accounts, args.seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    scored = score_accounts(frame, config, AS_OF)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"accounts scored:   {len(scored):,}")
    print(f"scoring time:      {elapsed:.2f} s")
    print(f"accounts/second:   {len(scored) / elapsed:,.0f}")
    print(f"peak memory (RSS): {peak:,.0f} MB (before scoring {before:,.0f} MB)")
    counts = scored["disposition"].value_counts().items()
    print("dispositions:      " + ", ".join(f"{k} {v:,}" for k, v in counts))


if __name__ == "__main__":
    main()
