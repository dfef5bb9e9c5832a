"""The buying committee: who in an account uses, champions, pays and signs.

Roles come from two sources. Titles give the decision maker (final sign-off)
and the economic buyer (budget authority); product usage gives the users and,
among them, one champion per account. Each contact gets one primary role, in
this order of precedence:

1. `decision_maker`: C-level other than finance, founder, owner, president,
   managing director.
2. `economic_buyer`: VP, vice president, director, head of, and finance or
   procurement titles. The CFO sits here, not with the decision makers: the
   contract names the CFO as budget authority, and a CFO signs the cheque
   rather than choosing the product. A title that also names another C-level
   role ("CEO & CFO") is a decision maker by precedence.
3. `champion`: per account, the active contact without a title role who
   invites the most teammates, then is most active, then has the lowest
   contact_id. Title roles come first so that sales sees a budget holder as a
   budget holder, and the champion is the practitioner who sells internally.
   Inviting is preferred, not required: with no inviter, the most active
   user is the champion.
4. `user`: any other contact active in the product in the last 30 days.
5. `other`: everyone else.

Everything here is vectorised and never raises for a bad row: a missing title
matches nothing, and a count that is missing, non-numeric, negative or not a
whole number counts as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pqa.errors import InputError

DECISION_MAKER = "decision_maker"
ECONOMIC_BUYER = "economic_buyer"
CHAMPION = "champion"
USER = "user"
OTHER = "other"
ROLES = (DECISION_MAKER, ECONOMIC_BUYER, CHAMPION, USER, OTHER)

TEXT_COLUMNS = ("name", "email", "title")
COUNT_COLUMNS = ("active_days_30d", "invites_sent_30d")
TOP_USERS = 3

# C-level except the CFO, founders, owners (not a scrum "product owner"),
# presidents (not vice presidents) and managing directors. "CPO" reads as
# chief product officer; a chief procurement officer is caught by name below.
_DECISION_MAKER_TITLES = (
    r"\b(?:ceo|cto|coo|cio|cmo|cpo|cro|cso|ciso|cdo|cco|chro|cxo)\b"
    r"|\bchief\b(?!\s+(?:financial|finance|procurement|of\s+staff)\b)"
    r"|\b(?:co-?)?founders?\b"
    r"|(?<!product\s)\b(?:co-?)?owner\b"
    r"|(?<!vice\s)(?<!vice-)\bpresident\b"
    r"|\bmanaging\s+director\b"
)
_ECONOMIC_BUYER_TITLES = (
    r"\b[saev]?vp\b|\bvice[\s-]+president\b|\bdirector\b|\bhead\s+of\b"
    r"|\bcfo\b|\bfinanc|\bprocurement\b|\bpurchasing\b"
    r"|\bcontroller\b|\bcomptroller\b|\btreasurer\b"
)
_COLUMNS_NEEDED = ("account_id", "contact_id")


def map_buying_committee(contacts: pd.DataFrame) -> pd.DataFrame:
    """Give every contact its primary buying role.

    Returns a copy with one row per contact, in input order on a fresh index,
    with a `role` column added (one of `ROLES`), missing text as "" and the
    usage counts cleaned to non-negative integers. Precedence is described in
    the module docstring.

    Raises:
        InputError: the frame has no account_id or contact_id column.
    """
    frame = _clean_contacts(contacts)
    titles = frame["title"].str.lower()
    is_decision_maker = titles.str.contains(_DECISION_MAKER_TITLES, regex=True)
    is_economic_buyer = titles.str.contains(_ECONOMIC_BUYER_TITLES, regex=True)
    is_active = frame["active_days_30d"] > 0

    role = np.select(
        [is_decision_maker, is_economic_buyer, is_active],
        [DECISION_MAKER, ECONOMIC_BUYER, USER],
        default=OTHER,
    )
    frame["role"] = pd.Series(role, index=frame.index, dtype=object)

    candidates = frame[frame["role"] == USER]
    frame.loc[_top_per_account(candidates, by_invites_first=True), "role"] = CHAMPION
    return frame


def most_active_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Pick each account's single most active contact.

    The activation-assist play sends its in-app message to this contact. The
    most active has the most active days, then the most invites, then the
    lowest contact_id. An account whose contacts are all inactive still gets
    one (its counts are 0), so callers that need activity should filter on
    `active_days_30d > 0`.

    Returns:
        One row per account_id with the cleaned contact columns, ordered by
        account_id.
    """
    frame = _clean_contacts(contacts)
    chosen = frame.loc[_top_per_account(frame, by_invites_first=False)]
    return chosen.sort_values("account_id", kind="stable").reset_index(drop=True)


def committee_summary(
    contacts_with_roles: pd.DataFrame, account_id: Any
) -> dict[str, Any]:
    """Summarise one account's buying committee for a sales alert.

    Accepts the output of `map_buying_committee` (or raw contacts, which are
    mapped first). Each role holds the most active contact with that role as
    a dict with name, title and email, or None when the role is unmapped,
    which is itself a prompt to sales. `users` counts every contact active in
    the product, whatever their role, and names the most active few.

    Returns:
        {"account_id", "champion", "economic_buyer", "decision_maker",
        "users": {"count": int, "top": [name, ...]}}
    """
    return committee_summaries(contacts_with_roles, [account_id])[0]


def committee_summaries(
    contacts_with_roles: pd.DataFrame, account_ids: Sequence[Any]
) -> list[dict[str, Any]]:
    """`committee_summary` for many accounts at once, in the order given.

    The frame is ranked and grouped once, so a run with thousands of new
    PQAs does not filter the contacts once per account.
    """
    frame = contacts_with_roles
    if "role" not in frame.columns:
        frame = map_buying_committee(frame)
    ranked = frame.assign(account_id=frame["account_id"].astype(str)).sort_values(
        ["active_days_30d", "invites_sent_30d"], ascending=False, kind="stable"
    )
    roles = (CHAMPION, ECONOMIC_BUYER, DECISION_MAKER)
    holders = ranked[ranked["role"].isin(roles)].drop_duplicates(["account_id", "role"])
    people = {
        (account, role): {"name": name, "title": title, "email": email}
        for account, role, name, title, email in holders[
            ["account_id", "role", "name", "title", "email"]
        ].itertuples(index=False)
    }
    active = ranked[ranked["active_days_30d"] > 0]
    counts = active.groupby("account_id").size()
    named = active[active["name"] != ""].groupby("account_id").head(TOP_USERS)
    tops = named.groupby("account_id")["name"].agg(list)
    summaries = []
    for account_id in account_ids:
        key = str(account_id)
        summary: dict[str, Any] = {"account_id": account_id}
        summary.update({role: people.get((key, role)) for role in roles})
        summary["users"] = {
            "count": int(counts.get(key, 0)),
            "top": list(tops.get(key, [])),
        }
        summaries.append(summary)
    return summaries


def _clean_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    missing = [column for column in _COLUMNS_NEEDED if column not in contacts]
    if missing:
        raise InputError(
            f"The contacts have no {' or '.join(missing)} column; "
            "select it from the contacts table."
        )
    frame = contacts.reset_index(drop=True).copy()
    for column in TEXT_COLUMNS:
        frame[column] = _clean_text(frame.get(column), len(frame))
    for column in COUNT_COLUMNS:
        frame[column] = _clean_count(frame.get(column), len(frame))
    return frame


def _clean_text(values: pd.Series | None, length: int) -> pd.Series:
    if values is None:
        return pd.Series([""] * length, dtype=object)
    text = values.astype(object).where(values.notna(), "")
    return text.astype(str).str.strip()


def _clean_count(values: pd.Series | None, length: int) -> pd.Series:
    if values is None:
        return pd.Series(np.zeros(length, dtype="int64"))
    numbers = pd.to_numeric(values.astype(object), errors="coerce").astype("float64")
    usable = np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers))
    return numbers.where(usable, 0).astype("int64")


def _top_per_account(frame: pd.DataFrame, *, by_invites_first: bool) -> pd.Index:
    """Index labels of the best-ranked row of each account."""
    counts = list(COUNT_COLUMNS)
    if by_invites_first:
        counts.reverse()
    ranked = frame.assign(_id_key=_sortable(frame["contact_id"])).sort_values(
        [*counts, "_id_key"], ascending=[False, False, True], kind="stable"
    )
    return ranked.groupby("account_id", sort=False, dropna=True).head(1).index


def _sortable(ids: pd.Series) -> pd.Series:
    # Numeric ids sort as numbers (9 before 10); anything else sorts as text.
    numbers = pd.to_numeric(ids, errors="coerce")
    if numbers.notna().all():
        return numbers
    return ids.astype(str)
