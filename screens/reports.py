"""Relatórios: how well the helpdesk kept its deadlines, month by month.

One row per month and severity: how many interactions arrived, the share
whose first response came within the deadline, how many are or were late,
rejections per interaction, and counts per kind and per category. At 80
columns the figures come in three sets of columns, which ``t`` cycles
(deadlines, kinds, categories). The period is typed as mm/aaaa in "De" and
"Até" (``f`` goes there, Enter applies, empty means every month); ``o``
narrows the figures to one customer organisation; ``e`` asks for a folder
and writes the rows there as sac-relatorio-AAAA-MM.csv, named after the last
month of the period (and the organisation, when one is chosen).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from data.deadlines import SAO_PAULO
from data.errors import SacError, ValidationError
from data.i18n import _, language
from data.models import Category, Kind, Severity
from data.reports import ReportRow, to_csv
from data.text import fold
from data.validation import require
from widgets.dialogs import PromptDialog
from widgets.fields import FieldError, QuietInput
from widgets.header import AppHeader

VIEWS = ("deadlines", "kinds", "categories")


def parse_month(typed: str, *, field: str) -> datetime | None:
    """The first instant of a month typed as mm/aaaa; ``None`` when empty."""
    text = typed.strip()
    if not text:
        return None
    try:
        month = datetime.strptime(text, "%m/%Y")
    except ValueError:
        raise ValidationError(
            _(
                "{typed} is not a month: type it as mm/aaaa, such as 03/2026.",
                typed=text,
            ),
            field=field,
        ) from None
    return month.replace(tzinfo=SAO_PAULO)


def month_after(month: datetime) -> datetime:
    return month.replace(
        year=month.year + month.month // 12, month=month.month % 12 + 1
    )


def decimal(value: float) -> str:
    """Two decimals, with the interface language's decimal mark."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if language() == "pt_BR" else text


def severity_label(value: str) -> str:
    return Severity(value).label if value else "—"


def write_report(path: Path, text: str) -> Path:
    """Write the CSV; a missing or unwritable folder is refused in words.

    Blocking: run it through ``SacApp.call``.
    """
    if not path.parent.is_dir():
        raise ValidationError(
            _("The folder {path} does not exist.", path=path.parent), field="folder"
        )
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise ValidationError(
            _(
                "The file could not be saved in {path}: {reason}",
                path=path.parent,
                reason=error.strerror or error,
            ),
            field="folder",
        ) from None
    return path


class ReportsScreen(Screen[None]):
    """The monthly figures for a period; export them as CSV."""

    BINDINGS = [
        Binding("t", "next_view", _("Columns"), id="reports.columns"),
        Binding("f", "period", _("Period"), id="reports.period"),
        Binding("o", "organisation", _("Organisation"), id="reports.organisation"),
        Binding("e", "export", _("Export CSV"), id="reports.export"),
        Binding("escape", "back", _("Back"), id="reports.back"),
        Binding("r", "refresh", _("Refresh"), show=False, id="reports.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ReportRow] = []
        self.view = VIEWS[0]
        self.since: datetime | None = None
        self.until: datetime | None = None
        self.organisations: dict[int, str] = {}
        self.folder = ""

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Reports"))
        with Horizontal(id="period"):
            yield Label(_("Period from"))
            yield QuietInput(placeholder="mm/aaaa", max_length=7, id="since")
            yield Label(_("to"))
            yield QuietInput(placeholder="mm/aaaa", max_length=7, id="until")
            yield Static(_("Enter applies; empty: every month"), classes="hint")
        yield FieldError(id="period-error")
        with Horizontal(id="report-organisation-row"):
            yield Label(_("Organisation"))
            yield Select(
                [],
                prompt=_("Every organisation"),
                compact=True,
                id="report-organisation",
            )
        yield Static("", id="view-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="report-table")
        yield Static("", id="reports-status", classes="busy", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.add_columns()
        self.query_one("#report-table", DataTable).focus()
        self.load()
        self.learn_organisations()

    @property
    def organisation_id(self) -> int | None:
        chosen = self.query_one("#report-organisation", Select).value
        return None if chosen is Select.NULL else int(chosen)

    @work(group="reports-organisations")
    async def learn_organisations(self) -> None:
        """The customer organisations the figures can be narrowed to."""
        try:
            found = await self.app.call(
                self.app.store.list_organisations, self.app.user
            )
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.organisations = {o.id: o.name for o in found}
        select = self.query_one("#report-organisation", Select)
        with select.prevent(Select.Changed):
            # Text, not a string: a name is someone's words, never markup.
            select.set_options(
                (Text(name), str(number))
                for number, name in sorted(
                    self.organisations.items(), key=lambda item: fold(item[1])
                )
            )

    @on(Select.Changed, "#report-organisation")
    def organisation_chosen(self) -> None:
        self.load()

    # -- the table ------------------------------------------------------------

    def add_columns(self) -> None:
        table = self.query_one("#report-table", DataTable)
        table.clear(columns=True)
        table.add_column(_("Month"), key="month", width=7)
        table.add_column(_("Severity"), key="severity", width=10)
        if self.view == "deadlines":
            table.add_column(_("Total"), key="total", width=5)
            table.add_column(_("On time"), key="on_time", width=8)
            table.add_column(_("Late"), key="late", width=9)
            table.add_column(_("Rejections per interaction"), key="rejections")
        elif self.view == "kinds":
            for kind in Kind:
                table.add_column(kind.plural, key=kind.value)
        else:
            for category in Category:
                table.add_column(category.label, key=category.value)
        titles = {
            "deadlines": _("First responses within the deadline and late ones"),
            "kinds": _("Interactions per kind"),
            "categories": _("Interactions per category"),
        }
        self.query_one("#view-title", Static).update(
            Text.assemble(
                (titles[self.view], "bold"), "  ", (_("t: other columns"), "dim")
            )
        )

    def fill(self) -> None:
        table = self.query_one("#report-table", DataTable)
        table.clear()
        for row in self.rows:
            year, month = row.month.split("-")
            cells: list[str | Text] = [f"{month}/{year}", severity_label(row.severity)]
            if self.view == "deadlines":
                share = row.on_time_share
                late = Text(str(row.late), "bold red" if row.late else "")
                cells += [
                    Text(str(row.total), justify="right"),
                    Text("—" if share is None else f"{share:.0%}", justify="right"),
                    late,
                    Text(decimal(row.rejections_per_interaction), justify="right"),
                ]
            elif self.view == "kinds":
                cells += [
                    Text(str(row.kinds.get(kind.value, 0)), justify="right")
                    for kind in Kind
                ]
            else:
                cells += [
                    Text(str(row.categories.get(c.value, 0)), justify="right")
                    for c in Category
                ]
            table.add_row(*cells)

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="reports")
    async def load(self, message: str = "") -> None:
        self.say(_("Loading…"))
        until = None if self.until is None else month_after(self.until)
        try:
            rows = await self.app.call(
                self.app.store.report,
                self.app.user,
                since=self.since,
                until=until,
                organisation_id=self.organisation_id,
            )
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.rows = rows
        self.fill()
        total = sum(row.total for row in rows)
        self.say(
            message
            or (
                _("Interactions in the period: {count}.", count=total)
                if rows
                else _("No interactions arrived in this period.")
            )
        )

    def say(self, message: str) -> None:
        self.query_one("#reports-status", Static).update(message)

    @on(Input.Submitted, "#since")
    def since_typed(self) -> None:
        self.query_one("#until", Input).focus()

    @on(Input.Submitted, "#until")
    def period_typed(self) -> None:
        error = self.query_one("#period-error", FieldError)
        try:
            since = parse_month(self.query_one("#since", Input).value, field="since")
            until = parse_month(self.query_one("#until", Input).value, field="until")
        except ValidationError as refusal:
            error.show(refusal.message)
            self.query_one(f"#{refusal.field}", Input).focus()
            return
        if since is not None and until is not None and until < since:
            error.show(_("The period ends before it begins."))
            return
        error.show("")
        self.since, self.until = since, until
        self.query_one("#report-table", DataTable).focus()
        self.load()

    # -- actions --------------------------------------------------------------

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.add_columns()
        self.fill()

    def action_period(self) -> None:
        self.query_one("#since", Input).focus()

    def action_organisation(self) -> None:
        self.query_one("#report-organisation", Select).focus()

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    def file_name(self) -> str:
        """sac-relatorio-AAAA-MM.csv, after the period's last month.

        With an organisation chosen its name follows the month, in lower case
        without accents: sac-relatorio-AAAA-MM-mare-alta-turismo.csv.
        """
        month = self.until or self.app.clock().astimezone(SAO_PAULO)
        name = f"sac-relatorio-{month:%Y-%m}"
        if self.organisation_id is not None:
            words = re.findall(
                r"[a-z0-9]+", fold(self.organisations[self.organisation_id])
            )
            name += "-" + "-".join(words)
        return f"{name}.csv"

    @work(exclusive=True, group="reports-export")
    async def action_export(self) -> None:
        if not self.rows:
            self.say(_("There is nothing to export: no interactions in this period."))
            return
        name = self.file_name()
        text = to_csv(self.rows)

        def check(typed: str) -> None:
            require(typed, field="folder", label=_("Folder"))

        async def save(typed: str) -> Path:
            path = Path(typed.strip()).expanduser() / name
            return await self.app.call(write_report, path, text)

        dialog = PromptDialog(
            _("Export CSV"),
            _("Folder to save {name} in:", name=name),
            value=self.folder or str(self.app.config.attachment_folder),
            confirm=_("Save"),
            check=check,
            submit=save,
        )
        saved = await self.app.push_screen_wait(dialog)
        if saved is None:
            return
        self.folder = str(saved.parent)
        self.say(_("Report saved as {path}.", path=saved))
