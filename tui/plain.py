"""Interactions as plain text, for the ``sac`` command's human output."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from data.deadlines import SAO_PAULO
from data.i18n import _
from data.models import Event, EventKind, Interaction, Status
from data.store import Page


def when(instant: datetime) -> str:
    """An instant as dd/mm/aaaa hh:mm in São Paulo time."""
    return instant.astimezone(SAO_PAULO).strftime("%d/%m/%Y %H:%M")


def page_text(page: Page) -> str:
    """One line per row under a header, and the count."""
    if not page.rows:
        return _("No interactions.")
    lines = [
        f"{_('Protocol'):>9}  {_('Date'):<16}  {_('Type'):<11}  "
        f"{_('Status'):<18}  {_('Subject')}"
    ]
    for row in page.rows:
        lines.append(
            f"{row.protocol:>9}  {when(row.created_at):<16}  {row.kind.label:<11}  "
            f"{row.status.label:<18}  {row.subject}  ({row.deadline.words})"
        )
    lines.append(
        _("{shown} of {total} interactions.", shown=len(page.rows), total=page.total)
    )
    return "\n".join(lines)


def event_text(event: Event) -> str:
    """One timeline event in words: what happened, and what was said."""
    if event.kind is EventKind.STATUS_CHANGED:
        before = Status(event.data["from"]).label
        after = Status(event.data["to"]).label
        text = f"{event.kind.label}: {before} → {after}"
        if event.data.get("automatic"):
            text += f" ({_('Concluded automatically')})"
        return f"{text} ({event.text})" if event.text else text
    if event.kind is EventKind.UPDATE_SCHEDULED:
        day = date.fromisoformat(event.data["date"]).strftime("%d/%m/%Y")
        text = f"{event.kind.label}: {day}"
        return f"{text} - {event.text}" if event.text else text
    return f"{event.kind.label}: {event.text}" if event.text else event.kind.label


def interaction_text(store: Any, interaction: Interaction) -> str:
    """The detail of an interaction: fields, description, attachments, history."""
    deadline = store.deadline(interaction)
    fields = [
        (_("Protocol"), str(interaction.protocol)),
        (_("Date"), when(interaction.created_at)),
        (_("Category"), interaction.category.label),
        (_("Type"), interaction.kind.label),
        (_("Subject"), interaction.subject),
        (_("Rejection count"), str(interaction.rejection_count)),
        (_("Status"), interaction.status.label),
        (_("Deadline"), deadline.words),
    ]
    if interaction.severity is not None:
        fields.append((_("Severity"), interaction.severity.label))
    if interaction.wished_date is not None:
        fields.append((_("Wished date"), interaction.wished_date.strftime("%d/%m/%Y")))
    width = max(len(label) for label, _value in fields)
    lines = [f"{label + ':':<{width + 1}} {value}" for label, value in fields]
    lines += ["", _("Description") + ":", interaction.description]
    if interaction.attachments:
        lines += ["", _("Attachments") + ":"]
        lines += [
            f"  {a.name} ({a.size} B, sha256 {a.sha256[:12]})"
            for a in interaction.attachments
        ]
    lines += ["", _("History") + ":"]
    for event in interaction.timeline:
        lines.append(f"  {when(event.at)}  {event_text(event)}")
    return "\n".join(lines)
