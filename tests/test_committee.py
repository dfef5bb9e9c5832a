from typing import Any

import pandas as pd
import pytest

from pqa.committee import (
    CHAMPION,
    DECISION_MAKER,
    ECONOMIC_BUYER,
    OTHER,
    USER,
    committee_summary,
    map_buying_committee,
    most_active_contacts,
)
from pqa.errors import InputError


def _contacts(*rows: dict[str, Any]) -> pd.DataFrame:
    defaults = {
        "account_id": "acc-1",
        "name": "",
        "email": "",
        "title": "",
        "active_days_30d": 0,
        "invites_sent_30d": 0,
    }
    records = [
        {**defaults, "contact_id": index + 1, **row} for index, row in enumerate(rows)
    ]
    return pd.DataFrame.from_records(records)


def _roles_of_titles(*titles: str) -> list[str]:
    contacts = _contacts(*({"title": title} for title in titles))
    return list(map_buying_committee(contacts)["role"])


@pytest.mark.parametrize(
    "title",
    [
        "CEO",
        "Co-founder & CTO",
        "Cofounder",
        "Founder",
        "Owner",
        "Co-Owner",
        "President",
        "President and COO",
        "Chief Revenue Officer",
        "Managing Director",
    ],
)
def test_map_buying_committee_c_level_founder_owner_is_decision_maker(
    title: str,
) -> None:
    assert _roles_of_titles(title) == [DECISION_MAKER]


@pytest.mark.parametrize(
    "title",
    [
        "VP Engineering",
        "SVP, Sales",
        "Vice President of Marketing",
        "Vice-President Operations",
        "Director of IT",
        "Head of Data",
        "CFO",
        "Chief Financial Officer",
        "Finance Manager",
        "Procurement Lead",
        "Purchasing Officer",
        "Financial Controller",
    ],
)
def test_map_buying_committee_budget_titles_are_economic_buyer(title: str) -> None:
    assert _roles_of_titles(title) == [ECONOMIC_BUYER]


@pytest.mark.parametrize(
    "title", ["Product Owner", "Chief of Staff", "Software Engineer", "", "Analyst"]
)
def test_map_buying_committee_other_titles_match_no_title_role(title: str) -> None:
    assert _roles_of_titles(title) == [OTHER]


def test_map_buying_committee_decision_maker_wins_over_economic_buyer() -> None:
    assert _roles_of_titles("CEO & CFO", "Founder, Head of Product") == [
        DECISION_MAKER,
        DECISION_MAKER,
    ]


def test_map_buying_committee_title_role_wins_over_champion() -> None:
    contacts = _contacts(
        {"title": "VP Engineering", "active_days_30d": 20, "invites_sent_30d": 9},
        {"title": "Engineer", "active_days_30d": 3, "invites_sent_30d": 1},
    )

    roles = list(map_buying_committee(contacts)["role"])

    assert roles == [ECONOMIC_BUYER, CHAMPION]


def test_map_buying_committee_active_contacts_are_users() -> None:
    contacts = _contacts(
        {"active_days_30d": 9, "invites_sent_30d": 2},
        {"active_days_30d": 4},
        {"active_days_30d": 0},
    )

    roles = list(map_buying_committee(contacts)["role"])

    assert roles == [CHAMPION, USER, OTHER]


def test_map_buying_committee_champion_ranks_invites_then_activity() -> None:
    contacts = _contacts(
        {"active_days_30d": 25, "invites_sent_30d": 1},
        {"active_days_30d": 2, "invites_sent_30d": 5},
        {"active_days_30d": 6, "invites_sent_30d": 5},
    )

    roles = list(map_buying_committee(contacts)["role"])

    assert roles == [USER, USER, CHAMPION]


def test_map_buying_committee_champion_tie_goes_to_lowest_contact_id() -> None:
    contacts = _contacts(
        {"contact_id": 10, "active_days_30d": 3},
        {"contact_id": 9, "active_days_30d": 3},
    )

    roles = list(map_buying_committee(contacts)["role"])

    assert roles == [USER, CHAMPION]


def test_map_buying_committee_one_champion_per_account() -> None:
    contacts = _contacts(
        {"account_id": "a", "active_days_30d": 5, "invites_sent_30d": 3},
        {"account_id": "a", "active_days_30d": 5, "invites_sent_30d": 3},
        {"account_id": "b", "active_days_30d": 1},
        {"account_id": "b", "active_days_30d": 2},
        {"account_id": "c", "active_days_30d": 0, "invites_sent_30d": 8},
    )

    mapped = map_buying_committee(contacts)

    champions = mapped[mapped["role"] == CHAMPION]
    assert list(champions["contact_id"]) == [1, 4]


def test_map_buying_committee_inactive_inviter_is_never_champion() -> None:
    contacts = _contacts({"active_days_30d": 0, "invites_sent_30d": 12})

    assert list(map_buying_committee(contacts)["role"]) == [OTHER]


def test_map_buying_committee_messy_values_count_as_zero() -> None:
    contacts = _contacts(
        {"title": None, "active_days_30d": "seven", "invites_sent_30d": -3},
        {"title": float("nan"), "active_days_30d": " 4 ", "invites_sent_30d": None},
        {
            "title": " Head of Data ",
            "active_days_30d": 2.5,
            "invites_sent_30d": float("inf"),
        },
    )

    mapped = map_buying_committee(contacts)

    assert list(mapped["active_days_30d"]) == [0, 4, 0]
    assert list(mapped["invites_sent_30d"]) == [0, 0, 0]
    assert list(mapped["title"]) == ["", "", "Head of Data"]
    assert list(mapped["role"]) == [OTHER, CHAMPION, ECONOMIC_BUYER]


def test_map_buying_committee_missing_optional_columns_are_filled() -> None:
    contacts = pd.DataFrame({"account_id": ["a"], "contact_id": [1]})

    mapped = map_buying_committee(contacts)

    assert mapped.loc[0, "role"] == OTHER
    assert mapped.loc[0, "title"] == ""
    assert mapped.loc[0, "active_days_30d"] == 0


def test_map_buying_committee_missing_account_id_raises_input_error() -> None:
    with pytest.raises(InputError, match="account_id"):
        map_buying_committee(pd.DataFrame({"contact_id": [1]}))


def test_map_buying_committee_keeps_rows_and_order_on_fresh_index() -> None:
    contacts = _contacts({"title": "CEO"}, {"title": "Engineer"}).set_index(
        pd.Index([7, 7])
    )

    mapped = map_buying_committee(contacts)

    assert list(mapped.index) == [0, 1]
    assert list(mapped["contact_id"]) == [1, 2]


def test_map_buying_committee_empty_frame_has_role_column() -> None:
    mapped = map_buying_committee(_contacts({"title": "CEO"}).iloc[:0])

    assert "role" in mapped.columns
    assert mapped.empty


def test_committee_summary_names_each_role() -> None:
    contacts = _contacts(
        {"name": "Ann", "title": "CEO", "email": "ann@acme.test", "active_days_30d": 2},
        {"name": "Bo", "title": "CFO", "email": "bo@acme.test"},
        {"name": "Cy", "title": "Engineer", "active_days_30d": 9},
        {"name": "Di", "active_days_30d": 4},
    )

    summary = committee_summary(map_buying_committee(contacts), "acc-1")

    assert summary["decision_maker"] == {
        "name": "Ann",
        "title": "CEO",
        "email": "ann@acme.test",
    }
    assert summary["economic_buyer"]["name"] == "Bo"
    assert summary["champion"]["name"] == "Cy"
    assert summary["users"] == {"count": 3, "top": ["Cy", "Di", "Ann"]}


def test_committee_summary_missing_roles_are_none() -> None:
    contacts = _contacts({"name": "Cy", "active_days_30d": 1})

    summary = committee_summary(map_buying_committee(contacts), "acc-1")

    assert summary["economic_buyer"] is None
    assert summary["decision_maker"] is None
    assert summary["champion"] is not None


def test_committee_summary_unknown_account_is_all_unmapped() -> None:
    summary = committee_summary(map_buying_committee(_contacts({})), "nobody")

    assert summary["champion"] is None
    assert summary["users"] == {"count": 0, "top": []}


def test_committee_summary_picks_most_active_of_several_holders() -> None:
    contacts = _contacts(
        {"name": "Quiet VP", "title": "VP Sales", "active_days_30d": 0},
        {"name": "Busy VP", "title": "VP Ops", "active_days_30d": 6},
    )

    summary = committee_summary(map_buying_committee(contacts), "acc-1")

    assert summary["economic_buyer"]["name"] == "Busy VP"


def test_committee_summary_maps_raw_contacts_and_matches_id_as_text() -> None:
    contacts = _contacts({"account_id": 17, "name": "Ann", "title": "Founder"})

    summary = committee_summary(contacts, "17")

    assert summary["decision_maker"]["name"] == "Ann"


def test_most_active_contacts_one_per_account_by_activity() -> None:
    contacts = _contacts(
        {"account_id": "b", "active_days_30d": 3, "invites_sent_30d": 9},
        {"account_id": "b", "active_days_30d": 8},
        {"account_id": "a", "active_days_30d": 1},
    )

    chosen = most_active_contacts(contacts)

    assert list(chosen["account_id"]) == ["a", "b"]
    assert list(chosen["contact_id"]) == [3, 2]


def test_most_active_contacts_ties_break_on_invites_then_contact_id() -> None:
    contacts = _contacts(
        {"contact_id": 30, "active_days_30d": 5, "invites_sent_30d": 1},
        {"contact_id": 20, "active_days_30d": 5, "invites_sent_30d": 2},
        {"contact_id": 10, "active_days_30d": 5, "invites_sent_30d": 2},
    )

    assert list(most_active_contacts(contacts)["contact_id"]) == [10]


def test_most_active_contacts_messy_counts_do_not_win() -> None:
    contacts = _contacts(
        {"active_days_30d": "lots"},
        {"active_days_30d": -40},
        {"active_days_30d": 1},
    )

    assert list(most_active_contacts(contacts)["contact_id"]) == [3]
