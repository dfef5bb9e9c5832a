"""A demo warehouse: accounts and contacts that look like a real free plan.

Most accounts are small and idle, a few per cent are hot (high fit and high
readiness), and a small share carries messy values, so a demo run exercises
every play and the scoring's tolerance. Values use the example ICP's
vocabulary plus values outside it. Everything is drawn with numpy's Generator
column by column, so 100,000 accounts take seconds and a seed repeats exactly.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

# Segments: (share, strong ICP profile, strong product usage).
_SEGMENTS = {
    "hot": (0.04, True, True),
    "fit_only": (0.10, True, False),
    "busy_off_profile": (0.12, False, True),
    "idle": (0.74, False, False),
}

_TARGET_INDUSTRIES = ["Software", "Fintech"]
_ADJACENT_INDUSTRIES = ["Media", "Education"]
_OTHER_INDUSTRIES = [
    "Retail",
    "Healthcare",
    "Manufacturing",
    "Logistics",
    "Hospitality",
]
_ICP_TECH = ["Snowflake", "dbt", "Segment"]
_OTHER_TECH = ["BigQuery", "Mailchimp", "Shopify", "HubSpot", "Zapier"]
_TARGET_COUNTRIES = ["US", "GB"]
_SUPPORTED_COUNTRIES = ["DE", "FR", "CA"]
_OTHER_COUNTRIES = ["BR", "IN", "AU", "ES", "JP"]
_ICP_TOOLS = ["Salesforce", "Okta", "Workday"]
_OTHER_TOOLS = ["QuickBooks", "Zendesk", "Google Workspace", "Mailchimp"]
_POWER_FEATURES = ["sso", "api", "audit_log"]
_CORE_FEATURES = ["dashboards", "sharing"]
_OTHER_FEATURES = ["export", "comments", "templates"]


def _words(text: str) -> list[str]:
    # Long vocabularies read better as one string than as a column of items.
    return text.split()


_STEMS = _words(
    "Acme Blue Bright Cedar Clear Copper Crest Delta Echo Ember Falcon Fern "
    "Granite Harbor Helix Indigo Juniper Keystone Lumen Maple Meridian Nimbus "
    "North Oak Orbit Pine Pioneer Quartz Raven Ridge Sage Silver Summit Tidal "
    "True Vector Willow Zenith"
)
_NOUNS = _words(
    "Analytics Labs Systems Works Data Cloud Digital Logic Health Media Pay "
    "Learning Retail Foods Freight Studio Networks Robotics Ventures Metrics"
)
_LEGAL = {"GB": "Ltd", "DE": "GmbH", "FR": "SAS", "BR": "Ltda", "IN": "Pvt Ltd"}
_TLD = {"GB": ".co.uk", "DE": ".de", "FR": ".fr", "BR": ".com.br", "IN": ".in"}

_FIRST_NAMES = _words(
    "Ava Ben Chloe Daniel Elena Farid Grace Hiro Isabel Jonas Kate Liam Maya "
    "Noah Olivia Priya Quinn Rosa Sam Tariq Uma Victor Wen Yara Zoe Lukas "
    "Amelie Mateo Sofia Arjun"
)
_LAST_NAMES = _words(
    "Smith Garcia Müller Chen Patel Okafor Rossi Dubois Kim Silva Novak "
    "Johnson Martin Tanaka Nguyen Schmidt Brown Lopez Ahmed Cohen Larsen Costa"
)
_USER_TITLES = [
    "Software Engineer",
    "Data Analyst",
    "Analytics Engineer",
    "Data Engineer",
    "Product Manager",
    "Marketing Analyst",
]
_BUDGET_TITLES = [
    "Head of Data",
    "VP Engineering",
    "Director of Finance",
    "Procurement Manager",
    "Head of Operations",
    "VP Finance",
]
_DECIDER_TITLES = ["CFO", "CTO", "Founder & CEO", "COO"]

MESSY_SHARE = 0.015


def generate_demo_accounts(
    accounts: int, seed: int, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw `accounts` accounts' signals and their contacts, the same per seed.

    Returns:
        (signals, contacts): signals in the contract's canonical columns, list
        fields ';'-joined and dates as ISO text; contacts 1-6 per account.
    """
    rng = np.random.default_rng(seed)
    names = list(_SEGMENTS)
    shares = np.array([share for share, _, _ in _SEGMENTS.values()])
    segment = rng.choice(len(names), size=accounts, p=shares / shares.sum())
    strong_fit = np.array([_SEGMENTS[n][1] for n in names])[segment]
    busy = np.array([_SEGMENTS[n][2] for n in names])[segment]
    ids = pd.Series([f"acc-{n:06d}" for n in range(1, accounts + 1)], dtype="str")

    signals = _firmographics(rng, strong_fit)
    signals.insert(0, "account_id", ids)
    usage = _usage(rng, busy, pd.Timestamp(as_of))
    signals = pd.concat([signals, usage], axis=1)
    _spoil(rng, signals)
    contacts = _contacts(rng, signals, busy)
    return signals, contacts


def _pick(
    rng: np.random.Generator,
    strong: np.ndarray,
    groups: list[list[str]],
    strong_p: list[float],
    weak_p: list[float],
) -> np.ndarray:
    """Pick one value per account: first a group by profile, then within it."""
    group = np.where(
        strong,
        rng.choice(len(groups), size=len(strong), p=strong_p),
        rng.choice(len(groups), size=len(strong), p=weak_p),
    )
    values = np.empty(len(strong), dtype=object)
    for index, members in enumerate(groups):
        chosen = group == index
        values[chosen] = rng.choice(members, size=int(chosen.sum()))
    return values


def _pick_many(
    rng: np.random.Generator, chance: np.ndarray, values: list[str]
) -> pd.Series:
    """Join, per account, the values each drawn with its account's chance."""
    drawn = rng.random((len(chance), len(values))) < chance[:, None]
    joined = pd.Series([""] * len(chance), dtype="str")
    for column, value in enumerate(values):
        joined = joined + np.where(drawn[:, column], value + ";", "")
    return joined.str.rstrip(";")


def _firmographics(rng: np.random.Generator, strong: np.ndarray) -> pd.DataFrame:
    count = len(strong)
    median = np.where(strong, 250.0, 12.0)
    employees = np.maximum(1, rng.lognormal(np.log(median), 1.1)).astype(np.int64)
    industry = _pick(
        rng,
        strong,
        [_TARGET_INDUSTRIES, _ADJACENT_INDUSTRIES, _OTHER_INDUSTRIES],
        [0.6, 0.25, 0.15],
        [0.15, 0.15, 0.7],
    )
    country = _pick(
        rng,
        strong,
        [_TARGET_COUNTRIES, _SUPPORTED_COUNTRIES, _OTHER_COUNTRIES],
        [0.65, 0.25, 0.10],
        [0.30, 0.20, 0.50],
    )
    technologies = _pick_many(rng, np.where(strong, 0.6, 0.1), _ICP_TECH)
    other_tech = _pick_many(rng, np.full(count, 0.2), _OTHER_TECH)
    tools = _pick_many(rng, np.where(strong, 0.55, 0.08), _ICP_TOOLS)
    other_tools = _pick_many(rng, np.full(count, 0.25), _OTHER_TOOLS)
    name, domain = _company_names(rng, country)
    return pd.DataFrame(
        {
            "name": name,
            "domain": domain,
            "employees": pd.array(employees, dtype="Int64"),
            "industry": pd.Series(industry, dtype="str"),
            "technologies": _concat_lists(technologies, other_tech),
            "country": pd.Series(country, dtype="str"),
            "enterprise_tools": _concat_lists(tools, other_tools),
        }
    )


def _concat_lists(first: pd.Series, second: pd.Series) -> pd.Series:
    both = (first != "") & (second != "")
    return first + np.where(both, ";", "") + second


def _company_names(
    rng: np.random.Generator, country: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    stem = pd.Series(rng.choice(_STEMS, size=len(country)), dtype="str")
    noun = pd.Series(rng.choice(_NOUNS, size=len(country)), dtype="str")
    countries = pd.Series(country, dtype="str")
    legal = countries.map(_LEGAL).fillna("Inc.")
    name = stem + " " + noun + " " + legal
    slug = (stem + noun).str.lower()
    # Same stem and noun twice would share a domain; number the repeats.
    repeat = slug.groupby(slug).cumcount()
    slug = slug + np.where(repeat > 0, repeat.astype(str), "")
    domain = slug + countries.map(_TLD).fillna(".com")
    return name, domain


def _iso(as_of: pd.Timestamp, days_back: np.ndarray) -> pd.Series:
    """ISO dates `days_back` days before as_of; NaN days give a missing date."""
    days = pd.to_timedelta(pd.Series(days_back), unit="D")
    text = (as_of - days).dt.strftime("%Y-%m-%d")
    return text.astype("str")


def _usage(
    rng: np.random.Generator, busy: np.ndarray, as_of: pd.Timestamp
) -> pd.DataFrame:
    count = len(busy)
    idle_users = np.where(rng.random(count) < 0.6, 0, 1 + rng.poisson(0.8, count))
    users = np.where(busy, 3 + rng.poisson(6, count), idle_users)
    previous = np.rint(users * rng.uniform(0.5, 1.15, count)).astype(np.int64)
    power = _pick_many(rng, np.where(busy, 0.55, 0.03), _POWER_FEATURES)
    core = _pick_many(rng, np.where(busy, 0.9, 0.35), _CORE_FEATURES)
    other = _pick_many(rng, np.full(count, 0.3), _OTHER_FEATURES)
    features = _concat_lists(_concat_lists(power, core), other)
    features = features.where(users > 0, "")

    signup_back = rng.integers(10, 1000, count).astype(float)
    to_activate = np.where(busy, rng.geometric(0.2, count), rng.exponential(25, count))
    never = rng.random(count) < np.where(busy, 0.1, 0.4)
    activated_back = np.where(
        never, np.nan, np.maximum(signup_back - np.floor(to_activate), 0)
    )
    recent = np.where(
        users > 0, rng.integers(0, 31, count), rng.integers(31, 400, count)
    )
    active_back = np.where(busy, rng.poisson(0.7, count), recent).astype(float)
    active_back[(users == 0) & (rng.random(count) < 0.3)] = np.nan
    return pd.DataFrame(
        {
            "active_users_30d": pd.array(users, dtype="Int64"),
            "active_users_prev_30d": pd.array(previous, dtype="Int64"),
            "features_used": features,
            "signup_date": _iso(as_of, signup_back),
            "activated_date": _iso(as_of, activated_back),
            "seat_requests_30d": pd.array(
                rng.poisson(np.where(busy, 1.2, 0.05)), dtype="Int64"
            ),
            "limit_hits_30d": pd.array(
                rng.poisson(np.where(busy, 2.0, 0.1)), dtype="Int64"
            ),
            "last_active_date": _iso(as_of, active_back),
        }
    )


def _spoil(rng: np.random.Generator, signals: pd.DataFrame) -> None:
    """Blank, garble or negate a small share of values, as real extracts do."""
    count = len(signals)
    for column in ("employees", "active_users_30d", "seat_requests_30d"):
        hit = rng.random(count) < MESSY_SHARE
        negative = pd.array(-rng.integers(1, 50, count), dtype="Int64")
        signals[column] = signals[column].mask(
            hit & (rng.random(count) < 0.5), negative
        )
        signals[column] = signals[column].mask(hit & (signals[column] >= 0), pd.NA)
    junk = np.array(["", "n/a", "N/A", "unknown"], dtype=object)
    for column in ("industry", "country", "signup_date", "last_active_date", "domain"):
        hit = rng.random(count) < MESSY_SHARE
        signals[column] = signals[column].mask(hit, rng.choice(junk, size=count))
    # Case and spacing drift that matching must ignore, as the contract says.
    drift = rng.random(count) < 0.05
    signals["country"] = signals["country"].mask(
        drift, " " + signals["country"].str.lower() + " "
    )


def _contacts(
    rng: np.random.Generator, signals: pd.DataFrame, busy: np.ndarray
) -> pd.DataFrame:
    users = signals["active_users_30d"].fillna(0).clip(lower=0).to_numpy(np.int64)
    per_account = np.clip(1 + rng.poisson(0.5 + 0.4 * np.minimum(users, 10)), 1, 6)
    owner = np.repeat(np.arange(len(signals)), per_account)
    starts = np.repeat(np.cumsum(per_account) - per_account, per_account)
    position = np.arange(len(owner)) - starts
    count = len(owner)
    active = position < users[owner]
    engaged = busy[owner]

    share = np.where(engaged, 0.6, 0.2) * np.where(position == 0, 1.0, 0.7)
    active_days = np.where(active, 1 + rng.binomial(29, share), 0)
    invite_rate = np.where(position == 0, np.where(engaged, 1.5, 0.4), 0.2)
    invites = np.where(active, rng.poisson(invite_rate), 0)

    first = pd.Series(rng.choice(_FIRST_NAMES, size=count), dtype="str")
    last = pd.Series(rng.choice(_LAST_NAMES, size=count), dtype="str")
    account_ids = signals["account_id"].to_numpy()[owner]
    domain = signals["domain"].to_numpy()[owner]
    usable = pd.Series(domain, dtype="str").str.contains(".", regex=False)
    company = pd.Series(domain, dtype="str").where(usable, "example.com")
    email = (first + "." + last).str.lower().str.replace("ü", "ue") + "@" + company
    return pd.DataFrame(
        {
            "account_id": pd.Series(account_ids, dtype="str"),
            "contact_id": pd.Series(account_ids, dtype="str")
            + "-c"
            + pd.Series(position + 1).astype("str"),
            "name": first + " " + last,
            "email": email,
            "title": _titles(rng, active),
            "active_days_30d": pd.array(active_days, dtype="Int64"),
            "invites_sent_30d": pd.array(invites, dtype="Int64"),
        }
    )


def _titles(rng: np.random.Generator, active: np.ndarray) -> pd.Series:
    """Hands-on titles for active users; budget and sign-off titles for others."""
    groups = [_USER_TITLES, _BUDGET_TITLES, _DECIDER_TITLES]
    titles = _pick(rng, active, groups, [0.8, 0.15, 0.05], [0.2, 0.5, 0.3])
    return pd.Series(titles, dtype="str")
