"""The demo warehouse: realistic, skewed, repeatable, seeded on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from connectors.demo_warehouse import seed_demo_warehouse
from connectors.warehouse import load_contacts, load_signals, plan_batches
from pqa.demo import generate_demo_accounts
from pqa.errors import ConfigurationError

AS_OF = date(2026, 3, 1)


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate_demo_accounts(5000, seed=7, as_of=AS_OF)


def _has_any(lists: pd.Series, values: set[str]) -> pd.Series:
    return lists.fillna("").map(lambda text: bool(set(text.split(";")) & values))


def _hot(signals: pd.DataFrame) -> pd.Series:
    """A plain reading of 'high fit and high readiness', independent of scoring."""
    recent = str(AS_OF - timedelta(days=7))
    users = pd.to_numeric(signals["active_users_30d"]).fillna(0)
    return (
        signals["industry"].isin(["Software", "Fintech", "Media", "Education"])
        & _has_any(signals["technologies"], {"Snowflake", "dbt", "Segment"})
        & _has_any(signals["enterprise_tools"], {"Salesforce", "Okta", "Workday"})
        & (users >= 3)
        & _has_any(signals["features_used"], {"sso", "api", "audit_log"})
        & (signals["last_active_date"].fillna("") >= recent)
    )


def test_generate_demo_accounts_same_seed_same_data() -> None:
    first = generate_demo_accounts(300, seed=11, as_of=AS_OF)
    again = generate_demo_accounts(300, seed=11, as_of=AS_OF)
    other = generate_demo_accounts(300, seed=12, as_of=AS_OF)

    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    assert not first[0].equals(other[0])


def test_generate_demo_accounts_is_skewed(demo: tuple[pd.DataFrame, ...]) -> None:
    signals = demo[0]

    hot_share = _hot(signals).mean()
    employees = pd.to_numeric(signals["employees"])
    idle = pd.to_numeric(signals["active_users_30d"]).fillna(0) <= 0

    assert 0.01 <= hot_share <= 0.10
    assert employees.median() < 50
    assert employees.max() > 2000
    assert idle.mean() > 0.4


def test_generate_demo_accounts_canonical_columns(
    demo: tuple[pd.DataFrame, ...],
) -> None:
    signals = demo[0]

    assert list(signals.columns) == [
        "account_id",
        "name",
        "domain",
        "employees",
        "industry",
        "technologies",
        "country",
        "enterprise_tools",
        "active_users_30d",
        "active_users_prev_30d",
        "features_used",
        "signup_date",
        "activated_date",
        "seat_requests_30d",
        "limit_hits_30d",
        "last_active_date",
    ]
    assert signals["account_id"].is_unique
    assert signals["account_id"].is_monotonic_increasing
    assert signals["account_id"].iloc[0] == "acc-000001"
    dated = signals["signup_date"].dropna()
    assert dated.str.fullmatch(r"\d{4}-\d{2}-\d{2}|n/a|N/A|unknown|").all()


def test_generate_demo_accounts_uses_icp_and_other_values(
    demo: tuple[pd.DataFrame, ...],
) -> None:
    signals = demo[0]
    industries = set(signals["industry"])
    technologies = set(";".join(signals["technologies"].dropna()).split(";"))
    countries = set(signals["country"].str.strip().str.upper())

    assert {"Software", "Fintech", "Media", "Education", "Retail"} <= industries
    assert {"Snowflake", "dbt", "Segment", "Mailchimp"} <= technologies
    assert {"US", "GB", "DE", "FR", "CA", "BR", "IN"} <= countries


def test_generate_demo_accounts_has_some_messy_values(
    demo: tuple[pd.DataFrame, ...],
) -> None:
    signals = demo[0]
    employees = pd.to_numeric(signals["employees"])

    assert 0 < (employees < 0).sum() < len(signals) * 0.05
    assert 0 < employees.isna().sum() < len(signals) * 0.05
    assert signals["industry"].isin(["", "n/a", "N/A", "unknown"]).sum() > 0
    assert signals["last_active_date"].isin(["n/a", ""]).sum() > 0


def test_generate_demo_accounts_contacts_fit_their_accounts(
    demo: tuple[pd.DataFrame, ...],
) -> None:
    signals, contacts = demo

    per_account = contacts.groupby("account_id").size()
    assert per_account.between(1, 6).all()
    assert set(per_account.index) == set(signals["account_id"])
    assert contacts["contact_id"].is_unique
    joined = contacts.merge(signals[["account_id", "domain"]], on="account_id")
    at_domain = joined.apply(lambda r: r["email"].endswith("@" + r["domain"]), axis=1)
    assert at_domain.mean() > 0.95
    assert {"CFO", "Founder & CEO", "Software Engineer", "Head of Data"} <= set(
        contacts["title"]
    )
    idle_ids = signals.loc[signals["active_users_30d"] == 0, "account_id"]
    idle = contacts[contacts["account_id"].isin(idle_ids)]
    assert (idle["active_days_30d"] == 0).all()
    assert (idle["invites_sent_30d"] == 0).all()


def test_seed_demo_warehouse_loads_into_database(engine: sa.Engine) -> None:
    seeded = seed_demo_warehouse(
        engine, accounts=300, seed=3, as_of=AS_OF, signals_table="signals"
    )
    seeded_again = seed_demo_warehouse(
        engine, accounts=250, seed=3, as_of=AS_OF, signals_table="signals"
    )

    assert (seeded, seeded_again) == (300, 250)
    batches = plan_batches(engine, "signals", 100)
    assert batches[0][0] == "acc-000001"
    assert batches[-1][1] == "acc-000250"
    signals = load_signals(engine, "signals", "acc-000001", "acc-000250")
    expected, contacts = generate_demo_accounts(250, seed=3, as_of=AS_OF)
    assert signals["account_id"].tolist() == expected["account_id"].tolist()
    assert signals["technologies"].fillna("").tolist() == (
        expected["technologies"].fillna("").tolist()
    )
    loaded = load_contacts(engine, "account_contacts", "acc-000001", "acc-000250")
    assert len(loaded) == len(contacts)
    indexes = sa.inspect(engine).get_indexes("signals")
    assert [i["column_names"] for i in indexes] == [["account_id"]]


def test_seed_demo_warehouse_bad_table_name_raises(engine: sa.Engine) -> None:
    with pytest.raises(ConfigurationError, match=r"warehouse\.contacts_table"):
        seed_demo_warehouse(
            engine, accounts=5, as_of=AS_OF, contacts_table="contacts;--"
        )
