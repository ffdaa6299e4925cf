"""Monthly service reports: how well the helpdesk kept its deadlines.

One row per month and severity ("" for interactions without one): how many
interactions arrived, the share whose first response came within the
deadline, how many are or were late, rejections per interaction, and counts
per kind and per category. ``to_csv`` writes the rows for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from data.deadlines import SAO_PAULO, DeadlineState
from data.models import Category, Kind

if TYPE_CHECKING:
    from data.store import Summary

_LATE = (DeadlineState.LATE, DeadlineState.MET_LATE)
_ANSWERED = (DeadlineState.MET, DeadlineState.MET_LATE)


@dataclass
class ReportRow:
    """The figures of one month and one severity."""

    month: str
    severity: str
    total: int = 0
    answered: int = 0
    answered_on_time: int = 0
    late: int = 0
    rejections: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_share(self) -> float | None:
        """First responses within the deadline, of those answered (None: none)."""
        return self.answered_on_time / self.answered if self.answered else None

    @property
    def rejections_per_interaction(self) -> float:
        return self.rejections / self.total if self.total else 0.0


def monthly_report(summaries: Iterable[Summary]) -> list[ReportRow]:
    """Rows per month (of arrival, São Paulo time) and severity, oldest first.

    Args:
        summaries: the interactions to count, as lists show them, with their
            deadline judged at the instant of the report; the caller chooses
            whose and from which period.
    """
    rows: dict[tuple[str, str], ReportRow] = {}
    for summary in summaries:
        arrived = summary.created_at.astimezone(SAO_PAULO)
        key = (arrived.strftime("%Y-%m"), summary.severity or "")
        row = rows.setdefault(key, ReportRow(*key))
        state = summary.deadline.state
        row.total += 1
        row.answered += state in _ANSWERED
        row.answered_on_time += state is DeadlineState.MET
        row.late += state in _LATE
        row.rejections += summary.rejection_count
        row.kinds[summary.kind] = row.kinds.get(summary.kind, 0) + 1
        row.categories[summary.category] = row.categories.get(summary.category, 0) + 1
    return [rows[key] for key in sorted(rows)]


def to_csv(rows: list[ReportRow]) -> str:
    """The rows as CSV, one column per figure, kinds and categories spread out."""
    kinds = [kind.value for kind in Kind]
    categories = [category.value for category in Category]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "month",
            "severity",
            "total",
            "answered",
            "answered_on_time",
            "on_time_share",
            "late",
            "rejections",
            "rejections_per_interaction",
            *(f"kind_{kind}" for kind in kinds),
            *(f"category_{category}" for category in categories),
        ]
    )
    for row in rows:
        share = row.on_time_share
        writer.writerow(
            [
                row.month,
                row.severity,
                row.total,
                row.answered,
                row.answered_on_time,
                "" if share is None else f"{share:.3f}",
                row.late,
                row.rejections,
                f"{row.rejections_per_interaction:.3f}",
                *(row.kinds.get(kind, 0) for kind in kinds),
                *(row.categories.get(category, 0) for category in categories),
            ]
        )
    return buffer.getvalue()
