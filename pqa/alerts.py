"""What the plays say: the sales alert, the in-app message, the run summary.

Rendering only; connectors send. The PQA alert is built once as plain parts
(title, scores, why now, contacts, play) and then written three ways: Slack
Block Kit, the Slack fallback text, and Markdown for the run's artifact. Each
writer escapes user-provided text for its own format and keeps within its
limits, so a long or hostile company name can never break a message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

HEADER_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
BLOCK_LIMIT = 50
FALLBACK_LIMIT = 3000
TOP_SIGNALS = 3

UNMAPPED = "unmapped — find one"
NO_SIGNALS = "no single signal stands out"
BUYER_REMINDER = (
    "Active users may not be the economic buyer: find out who owns the budget "
    "before you talk price."
)
ACTIVATION_TITLE = "Need help getting started?"
ACTIVATION_LABEL = "Open the quickstart"
COMMITTEE_ROLES = (
    ("champion", "Champion"),
    ("economic_buyer", "Economic buyer"),
    ("decision_maker", "Decision maker"),
)
_ELLIPSIS = "…"
_MARKDOWN_SPECIALS = "\\`*_{}[]<>()#+!|~"


@dataclass(frozen=True)
class _AlertParts:
    """One PQA alert as plain, unescaped text."""

    name: str
    domain: str
    fit: str
    readiness: str
    signals: tuple[str, ...]
    contacts: tuple[tuple[str, str], ...]
    users: str
    play: str


def render_pqa_alert(
    pqa: Mapping[str, Any],
    committee: Mapping[str, Any],
    *,
    recommended_play: str = "sales_outreach",
) -> tuple[str, list[dict[str, Any]]]:
    """Write the Slack alert that tells sales about a new PQA.

    `committee` is the dict from `pqa.committee.committee_summary`; a role it
    lacks is shown as unmapped. `pqa["top_signals"]` may be a list of evidence
    strings or one "; "-joined string; the first three are shown.

    Returns:
        The fallback text (for notifications and clients without blocks) and
        the Block Kit blocks, as JSON-ready dicts.
    """
    parts = _alert_parts(pqa, committee, recommended_play)
    return _fallback_text(parts), _alert_blocks(parts)


def render_activation_message(
    *, company: str, product: str, contact_name: str | None, quickstart_path: str
) -> dict[str, Any]:
    """Write the activation-assist play's in-app message to one user.

    Returns:
        {"title": str, "body": str, "action": {"label": str, "url": str}}
    """
    company = _clean(company) or "your company"
    product = _clean(product) or "our product"
    greeting = f"Hi {_clean(contact_name)}," if _clean(contact_name) else "Hi there,"
    body = (
        f"{greeting} want a hand getting {company} set up on {product}? "
        "The quickstart walks your team through the first steps in a few minutes."
    )
    return {
        "title": ACTIVATION_TITLE,
        "body": body,
        "action": {"label": ACTIVATION_LABEL, "url": quickstart_path},
    }


def render_pqa_summary_markdown(
    pqas: Sequence[Mapping[Any, Any]], *, limit: int = 100
) -> str:
    """Write the run's new PQAs as Markdown, for a Prefect artifact.

    Each item is a PQA mapping as for `render_pqa_alert`, optionally with
    `committee` and `recommended_play` keys; a run with none says so. Only the
    first `limit` are written out: a first run over a large warehouse finds
    thousands, which no one reads on one page, and the outbox keeps them all.
    """
    if not pqas:
        return "# New PQAs\n\nNo new product-qualified accounts in this run.\n"

    noun = "PQA" if len(pqas) == 1 else "PQAs"
    sections = [f"# New PQAs\n\n{len(pqas)} new {noun} in this run."]
    if len(pqas) > limit:
        sections[0] += f" The first {limit} are below; all are in the outbox."
    for pqa in pqas[:limit]:
        committee = pqa.get("committee") or {}
        play = pqa.get("recommended_play") or "sales_outreach"
        sections.append(_markdown_section(_alert_parts(pqa, committee, play)))
    return "\n\n".join(sections) + "\n"


def format_score(value: Any) -> str:
    """Show a score with at most two decimals and no trailing zeros.

    85 shows as "85", 74.5 as "74.5", 70.125 as "70.13"; a missing or
    unreadable score shows as "n/a".
    """
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "n/a"
    if not number.is_finite():
        return "n/a"
    text = f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _alert_parts(
    pqa: Mapping[str, Any], committee: Mapping[str, Any], play: str
) -> _AlertParts:
    contacts = tuple(
        (label, _describe_contact(committee.get(key))) for key, label in COMMITTEE_ROLES
    )
    return _AlertParts(
        name=_clean(pqa.get("name")) or _clean(pqa.get("account_id")) or "Unnamed",
        domain=_clean(pqa.get("domain")),
        fit=format_score(pqa.get("fit_score")),
        readiness=format_score(pqa.get("readiness_score")),
        signals=_signals(pqa.get("top_signals")),
        contacts=contacts,
        users=_describe_users(committee.get("users")),
        play=_clean(play).replace("_", " ").capitalize() or "Sales outreach",
    )


def _alert_blocks(parts: _AlertParts) -> list[dict[str, Any]]:
    why_now = "\n".join(f"• {escape_mrkdwn(s)}" for s in parts.signals)
    fields = [f"*{label}*\n{escape_mrkdwn(text)}" for label, text in parts.contacts] + [
        f"*Active users*\n{escape_mrkdwn(parts.users)}"
    ]
    blocks: list[Block] = [
        HeaderBlock(
            text=_truncate(f"New PQA: {parts.name}", HEADER_LIMIT, escaped=False)
        ),
        SectionBlock(
            text=_mrkdwn(_title_line(parts, escape_mrkdwn), SECTION_TEXT_LIMIT),
            fields=[
                _mrkdwn(f"*Fit*\n{parts.fit}", FIELD_TEXT_LIMIT),
                _mrkdwn(f"*Readiness*\n{parts.readiness}", FIELD_TEXT_LIMIT),
            ],
        ),
        SectionBlock(text=_mrkdwn(f"*Why now*\n{why_now}", SECTION_TEXT_LIMIT)),
        DividerBlock(),
        SectionBlock(
            text=_mrkdwn("*Key contacts*", SECTION_TEXT_LIMIT),
            fields=[_mrkdwn(field, FIELD_TEXT_LIMIT) for field in fields],
        ),
        SectionBlock(
            text=_mrkdwn(
                f"*Recommended play:* {escape_mrkdwn(parts.play)}", SECTION_TEXT_LIMIT
            )
        ),
        ContextBlock(
            elements=[_mrkdwn(f":warning: {BUYER_REMINDER}", SECTION_TEXT_LIMIT)]
        ),
    ]
    return [block.to_dict() for block in blocks[:BLOCK_LIMIT]]


def _fallback_text(parts: _AlertParts) -> str:
    contacts = "; ".join(f"{label}: {text}" for label, text in parts.contacts)
    text = (
        f"New PQA: {_title_line(parts, str)}. "
        f"Fit {parts.fit} · Readiness {parts.readiness}. "
        f"Why now: {'; '.join(parts.signals)}. "
        f"Key contacts: {contacts}. "
        f"Recommended play: {parts.play}. {BUYER_REMINDER}"
    )
    return _truncate(escape_mrkdwn(text), FALLBACK_LIMIT)


def _markdown_section(parts: _AlertParts) -> str:
    md = _escape_markdown
    lines = [
        f"## {_title_line(parts, md)}",
        "",
        f"Fit {parts.fit} · Readiness {parts.readiness}",
        "",
        "**Why now**",
        "",
        *(f"- {md(signal)}" for signal in parts.signals),
        "",
        "**Key contacts**",
        "",
        *(f"- {label}: {md(text)}" for label, text in parts.contacts),
        f"- Active users: {md(parts.users)}",
        "",
        f"**Recommended play:** {md(parts.play)}",
        "",
        f"_{BUYER_REMINDER}_",
    ]
    return "\n".join(lines)


def _title_line(parts: _AlertParts, escape: Callable[[str], str]) -> str:
    name = escape(parts.name)
    return f"{name} ({escape(parts.domain)})" if parts.domain else name


def _signals(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = value.split(";")
    elif isinstance(value, Sequence) or hasattr(value, "tolist"):
        items = list(value)
    else:
        items = []
    cleaned = [text for text in (_clean(item) for item in items) if text]
    return tuple(cleaned[:TOP_SIGNALS]) or (NO_SIGNALS,)


def _describe_contact(contact: Any) -> str:
    if not isinstance(contact, Mapping):
        return UNMAPPED
    name = _clean(contact.get("name"))
    title = _clean(contact.get("title"))
    email = _clean(contact.get("email"))
    who = ", ".join(part for part in (name or email, title) if part)
    if email and name:
        who = f"{who} ({email})"
    return who or UNMAPPED


def _describe_users(users: Any) -> str:
    if not isinstance(users, Mapping):
        return "none mapped"
    count = users.get("count") or 0
    top = [name for name in (_clean(n) for n in users.get("top") or []) if name]
    if not count:
        return "none mapped"
    return f"{count}: {', '.join(top)}" if top else str(count)


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _mrkdwn(text: str, limit: int) -> MarkdownTextObject:
    return MarkdownTextObject(text=_truncate(text, limit))


def _truncate(text: str, limit: int, *, escaped: bool = True) -> str:
    """Cut to `limit` characters with an ellipsis, never inside an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS)]
    entity = cut.rfind("&") if escaped else -1
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    return cut + _ELLIPSIS


def _escape_markdown(text: str) -> str:
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIALS else c for c in text)
