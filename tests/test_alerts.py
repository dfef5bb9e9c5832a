import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from pqa.alerts import (
    ACTIVATION_TITLE,
    BLOCK_LIMIT,
    BUYER_REMINDER,
    FIELD_TEXT_LIMIT,
    HEADER_LIMIT,
    SECTION_TEXT_LIMIT,
    UNMAPPED,
    escape_mrkdwn,
    format_score,
    render_activation_message,
    render_pqa_alert,
    render_pqa_summary_markdown,
)


def _pqa(**overrides: Any) -> dict[str, Any]:
    pqa = {
        "account_id": "acc-1",
        "name": "Acme",
        "domain": "acme.test",
        "fit_score": 85.0,
        "readiness_score": 74.5,
        "top_signals": [
            "9 active users in 30 days",
            "hit plan limits 2 times",
            "last active yesterday",
        ],
    }
    return {**pqa, **overrides}


def _committee() -> dict[str, Any]:
    return {
        "account_id": "acc-1",
        "champion": {"name": "Cy", "title": "Engineer", "email": "cy@acme.test"},
        "economic_buyer": {"name": "Bo", "title": "CFO", "email": "bo@acme.test"},
        "decision_maker": {"name": "Ann", "title": "CEO", "email": "ann@acme.test"},
        "users": {"count": 9, "top": ["Cy", "Di", "Ed"]},
    }


def _blocks_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found.extend(field["text"] for field in block.get("fields", []))
        found.extend(element["text"] for element in block.get("elements", []))
    return found


def test_render_pqa_alert_carries_every_required_element() -> None:
    text, blocks = render_pqa_alert(_pqa(), _committee())

    rendered = _blocks_text(blocks)
    for expected in [
        "Acme",
        "acme.test",
        "*Fit*\\n85",
        "*Readiness*\\n74.5",
        "*Why now*",
        "• 9 active users in 30 days",
        "• hit plan limits 2 times",
        "• last active yesterday",
        "*Champion*\\nCy, Engineer (cy@acme.test)",
        "*Economic buyer*\\nBo, CFO",
        "*Decision maker*\\nAnn, CEO",
        "Sales outreach",
        BUYER_REMINDER,
    ]:
        assert expected in rendered
    assert "Fit 85 · Readiness 74.5" in text
    assert "Why now: 9 active users in 30 days; hit plan limits 2 times" in text
    assert BUYER_REMINDER in text


def test_render_pqa_alert_uses_block_kit_structures() -> None:
    _, blocks = render_pqa_alert(_pqa(), _committee())

    types = [block["type"] for block in blocks]

    assert types[0] == "header"
    assert {"section", "context", "divider"} <= set(types)
    assert blocks[0]["text"]["text"] == "New PQA: Acme"


def test_render_pqa_alert_blocks_parse_as_block_kit() -> None:
    _, blocks = render_pqa_alert(_pqa(), _committee())

    parsed = [Block.parse(block) for block in blocks]

    assert [block.to_dict() for block in parsed if block] == blocks


def test_render_pqa_alert_missing_roles_are_unmapped() -> None:
    committee = {"champion": None, "users": {"count": 0, "top": []}}

    text, blocks = render_pqa_alert(_pqa(), committee)

    rendered = _blocks_text(blocks)
    assert f"*Economic buyer*\\n{UNMAPPED}" in rendered
    assert f"*Decision maker*\\n{UNMAPPED}" in rendered
    assert f"*Champion*\\n{UNMAPPED}" in rendered
    assert f"Economic buyer: {UNMAPPED}" in text


def test_render_pqa_alert_empty_committee_is_all_unmapped() -> None:
    _, blocks = render_pqa_alert(_pqa(), {})

    assert _blocks_text(blocks).count(UNMAPPED) == 3


def test_render_pqa_alert_shows_recommended_play() -> None:
    text, blocks = render_pqa_alert(
        _pqa(), _committee(), recommended_play="executive_briefing"
    )

    assert "*Recommended play:* Executive briefing" in _texts(blocks)
    assert "Recommended play: Executive briefing" in text


def test_render_pqa_alert_escapes_user_text_in_mrkdwn() -> None:
    pqa = _pqa(name="A<b>&Co", top_signals=["<!channel> & more"])
    committee = {"champion": {"name": "<@U1>", "title": "", "email": ""}}

    text, blocks = render_pqa_alert(pqa, committee)

    texts = " ".join(_texts(blocks)[1:])
    assert "A&lt;b&gt;&amp;Co" in texts
    assert "&lt;!channel&gt; &amp; more" in texts
    assert "&lt;@U1&gt;" in texts
    assert "<" not in texts and ">" not in texts
    assert "<!channel>" not in text
    assert "A&lt;b&gt;&amp;Co" in text


def test_render_pqa_alert_header_is_plain_text_unescaped() -> None:
    _, blocks = render_pqa_alert(_pqa(name="Fish & Chips"), _committee())

    assert blocks[0]["text"] == {
        "type": "plain_text",
        "text": "New PQA: Fish & Chips",
        "emoji": True,
    }


def test_render_pqa_alert_truncates_to_slack_limits() -> None:
    long_signal = "x" * 5000
    pqa = _pqa(name="N" * 400, domain="d" * 4000, top_signals=[long_signal] * 3)
    committee = {
        "champion": {"name": "C" * 3000, "title": "T", "email": "e@x.test"},
        "users": {"count": 2, "top": ["U" * 3000]},
    }

    text, blocks = render_pqa_alert(pqa, committee)

    assert len(blocks) <= BLOCK_LIMIT
    assert len(blocks[0]["text"]["text"]) <= HEADER_LIMIT
    assert blocks[0]["text"]["text"].endswith("…")
    for block in blocks[1:]:
        if "text" in block:
            assert len(block["text"]["text"]) <= SECTION_TEXT_LIMIT
        for field in block.get("fields", []):
            assert len(field["text"]) <= FIELD_TEXT_LIMIT
    assert len(text) <= 3000
    assert all(Block.parse(block) for block in blocks)


def test_render_pqa_alert_truncation_never_splits_an_entity() -> None:
    pqa = _pqa(name="&" * 2000)

    _, blocks = render_pqa_alert(pqa, _committee())

    title = blocks[1]["text"]["text"]
    assert title.endswith("&amp;…")


def test_render_pqa_alert_keeps_three_signals_from_joined_text() -> None:
    pqa = _pqa(top_signals="one; two ;three; four")

    _, blocks = render_pqa_alert(pqa, _committee())

    why_now = next(t for t in _texts(blocks) if t.startswith("*Why now*"))
    assert why_now == "*Why now*\n• one\n• two\n• three"


@pytest.mark.parametrize("signals", [None, [], "", float("nan")])
def test_render_pqa_alert_without_signals_says_so(signals: Any) -> None:
    _, blocks = render_pqa_alert(_pqa(top_signals=signals), _committee())

    assert "• no single signal stands out" in _blocks_text(blocks)


def test_render_pqa_alert_contact_without_name_shows_email() -> None:
    committee = {"champion": {"name": "", "title": None, "email": "cy@acme.test"}}

    _, blocks = render_pqa_alert(_pqa(), committee)

    assert "*Champion*\\ncy@acme.test" in _blocks_text(blocks)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (85, "85"),
        (85.0, "85"),
        (74.5, "74.5"),
        (70.125, "70.13"),
        ("69.999", "70"),
        (None, "n/a"),
        (float("nan"), "n/a"),
        ("high", "n/a"),
    ],
)
def test_format_score_shows_at_most_two_decimals(value: Any, shown: str) -> None:
    assert format_score(value) == shown


def test_escape_mrkdwn_escapes_ampersand_first() -> None:
    assert escape_mrkdwn("<&>") == "&lt;&amp;&gt;"


def test_render_activation_message_names_company_and_product() -> None:
    message = render_activation_message(
        company="Acme",
        product="Widget",
        contact_name="Cy",
        quickstart_path="/enterprise-quickstart",
    )

    assert message["title"] == ACTIVATION_TITLE == "Need help getting started?"
    assert message["body"].startswith("Hi Cy,")
    assert "Acme" in message["body"]
    assert "Widget" in message["body"]
    assert message["action"]["url"] == "/enterprise-quickstart"
    assert message["action"]["label"]


def test_render_activation_message_without_names_reads_naturally() -> None:
    message = render_activation_message(
        company="  ", product="", contact_name=None, quickstart_path="/start"
    )

    assert message["body"].startswith("Hi there,")
    assert "your company" in message["body"]
    assert "our product" in message["body"]
    assert message["action"]["url"] == "/start"


def test_render_pqa_summary_markdown_no_pqas_says_so() -> None:
    markdown = render_pqa_summary_markdown([])

    assert markdown.startswith("# New PQAs")
    assert "No new product-qualified accounts in this run." in markdown


def test_render_pqa_summary_markdown_lists_each_pqa() -> None:
    second = _pqa(
        account_id="acc-2",
        name="Globex",
        domain="globex.test",
        fit_score=90,
        readiness_score=71.25,
        committee=_committee(),
        recommended_play="sales_outreach",
    )

    markdown = render_pqa_summary_markdown([_pqa(), second])

    assert "2 new PQAs in this run." in markdown
    assert "## Acme (acme.test)" in markdown
    assert "## Globex (globex.test)" in markdown
    assert "Fit 90 · Readiness 71.25" in markdown
    assert "- 9 active users in 30 days" in markdown
    assert f"- Economic buyer: {UNMAPPED}" in markdown
    assert "- Economic buyer: Bo, CFO \\(bo@acme.test\\)" in markdown
    assert markdown.count(BUYER_REMINDER) == 2


def test_render_pqa_summary_markdown_escapes_markdown() -> None:
    markdown = render_pqa_summary_markdown([_pqa(name="*Bold* | [x](y)")])

    assert "## \\*Bold\\* \\| \\[x\\]\\(y\\) (acme.test)" in markdown


def test_render_pqa_alert_header_truncation_keeps_plain_ampersand() -> None:
    name = "AT&T " + "x" * 200

    _, blocks = render_pqa_alert(_pqa(name=name), _committee())

    header = blocks[0]["text"]["text"]
    assert len(header) == HEADER_LIMIT
    assert header.startswith("New PQA: AT&T xxx")


def test_render_pqa_summary_markdown_lists_at_most_the_limit() -> None:
    pqas = [
        {"account_id": f"a{n}", "name": f"Company {n}", "fit_score": 80,
         "readiness_score": 75, "top_signals": []}
        for n in range(5)
    ]  # fmt: skip

    text = render_pqa_summary_markdown(pqas, limit=2)

    assert "5 new PQAs in this run. The first 2 are below" in text
    assert "Company 1" in text
    assert "Company 2" not in text
