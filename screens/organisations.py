"""Organizações: the customers' companies, their contracts and implementation.

The administrator reads every organisation in a table (name, contracted
products, whether a PDC is in force, the implementation stage and the
consultant) and, under it, the chosen one's products with their
descriptions, e-mail domains and the whole history of its implementation
stages (Levantamento, Treinamento, Operação assistida, Manutenção e
suporte) in the order they happened. ``n`` creates one, ``e`` or Enter edits
it, ``s`` moves it to another stage from a start date, with a note.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Static

from data.errors import SacError, ValidationError
from data.i18n import _
from data.models import Organisation, Product, Stage, User
from screens.admin import FormDialog, SelectField, day_text, parse_day, short_name
from widgets.fields import FieldError, LabelledInput, QuietTextArea
from widgets.header import AppHeader

# "GPE – Gestão de Processos Eletrônicos", with a dash, hyphen or colon.
PRODUCT_LINE = re.compile(r"^\s*(?P<code>[^–\-:]+?)\s*(?:[–\-:]\s*(?P<about>.*))?$")
DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def products_text(products: list[Product]) -> str:
    """Products one a line, as the form shows and reads them."""
    return "\n".join(
        f"{p.code} – {p.description}" if p.description else p.code for p in products
    )


def parse_products(text: str) -> list[Product]:
    """One product a line: its code, a dash and its description."""
    products = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = PRODUCT_LINE.match(line)
        if found is None:
            raise ValidationError(
                _(
                    "Write each product on a line as its code, a dash and its "
                    "description, such as GPE – Gestão de Processos Eletrônicos."
                ),
                field="products",
            )
        products.append(Product(found["code"], (found["about"] or "").strip()))
    return products


def parse_domains(text: str) -> list[str]:
    """E-mail domains separated by commas or spaces, checked one by one."""
    domains = [d.strip().lower().lstrip("@") for d in re.split(r"[,\s]+", text)]
    domains = [d for d in domains if d]
    for domain in domains:
        if not DOMAIN.match(domain):
            raise ValidationError(
                _(
                    "{domain} is not an e-mail domain; write it as empresa.com.br.",
                    domain=domain,
                ),
                field="domains",
            )
    return domains


class OrganisationForm(FormDialog):
    """Create or edit an organisation: name, products, PDC, domains, consultant.

    Args:
        organisation: the one to edit; ``None`` to create one.
        staff: the support team, among whom the consultant is chosen.
    """

    def __init__(self, organisation: Organisation | None, staff: list[User]) -> None:
        super().__init__()
        self.organisation = organisation
        self.staff = staff
        self.title_text = (
            _("New organisation")
            if organisation is None
            else _("Edit {name}", name=organisation.name)
        )

    def fields(self) -> ComposeResult:
        organisation = self.organisation
        yield LabelledInput(
            _("Name"),
            field="name",
            value=organisation.name if organisation else "",
            max_length=120,
        )
        with Vertical(id="field-products", classes="field"):
            with Horizontal(classes="area-row"):
                yield Label(_("Products"))
                yield QuietTextArea(
                    products_text(organisation.products) if organisation else "",
                    id="products",
                    soft_wrap=True,
                )
            yield Static(
                _("One a line: GPE – Gestão de Processos Eletrônicos"),
                classes="hint field-hint",
            )
            yield FieldError()
        with Vertical(id="field-pdc", classes="field"):
            yield Checkbox(
                _("PDC (continuous development contract) in force"),
                value=organisation.pdc if organisation else False,
                id="pdc",
                compact=True,
            )
            yield FieldError()
        yield LabelledInput(
            _("Domains"),
            field="domains",
            value=", ".join(organisation.domains) if organisation else "",
            placeholder="empresa.com.br, outra.com.br",
        )
        consultant = organisation.consultant_id if organisation else None
        yield SelectField(
            _("Consultant"),
            field="consultant",
            options=[(person.name, person.id) for person in self.staff],
            value=consultant,
            # The store keeps a consultant once chosen; it can be changed, not
            # taken away, so "nobody" is offered only while there is none.
            prompt=_("Nobody yet") if consultant is None else "",
        )

    async def save(self) -> Organisation:
        store, user = self.app.store, self.app.user
        name = self.query_one("#name", Input).value
        products = parse_products(self.query_one("#products", QuietTextArea).text)
        pdc = self.query_one("#pdc", Checkbox).value
        domains = parse_domains(self.query_one("#domains", Input).value)
        consultant = self.query_one(SelectField).value
        if self.organisation is None:
            created = await self.app.call(
                store.create_organisation,
                user,
                name=name,
                products=products,
                pdc=pdc,
                domains=domains,
            )
            if consultant is None:
                return created
            return await self.app.call(
                store.update_organisation, user, created.id, consultant_id=consultant
            )
        return await self.app.call(
            store.update_organisation,
            user,
            self.organisation.id,
            name=name,
            products=products,
            pdc=pdc,
            consultant_id=consultant,
            domains=domains,
        )


class StageDialog(FormDialog):
    """Move an organisation to another implementation stage, from a date.

    Args:
        organisation: the organisation whose implementation moves.
        today_text: the date offered as the start, as dd/mm/aaaa.
    """

    def __init__(self, organisation: Organisation, today_text: str) -> None:
        super().__init__()
        self.organisation = organisation
        self.today_text = today_text
        self.title_text = _("Implementation stage of {name}", name=organisation.name)
        self.confirm_label = _("Change stage")

    def fields(self) -> ComposeResult:
        stages = list(Stage)
        current = stages.index(self.organisation.stage)
        following = stages[min(current + 1, len(stages) - 1)]
        yield Static(
            _("Now: {stage}", stage=self.organisation.stage.label),
            classes="hint form-note",
        )
        yield SelectField(
            _("Stage"),
            field="stage",
            options=[(stage.label, stage.value) for stage in stages],
            value=following.value,
        )
        yield LabelledInput(
            _("Started on"),
            field="started_on",
            value=self.today_text,
            placeholder="dd/mm/aaaa",
            max_length=10,
        )
        yield LabelledInput(_("Remarks"), field="note", max_length=500)

    async def save(self) -> Organisation:
        started_on = parse_day(
            self.query_one("#started_on", Input).value,
            field="started_on",
        )
        stage = Stage(self.query_one(SelectField).value)
        note = self.query_one("#note", Input).value.strip()
        return await self.app.call(
            self.app.store.set_stage,
            self.app.user,
            self.organisation.id,
            stage,
            started_on,
            note,
        )


class OrganisationsScreen(Screen[None]):
    """Every organisation; the chosen one's products, domains and stage history."""

    BINDINGS = [
        Binding("n", "new", _("New organisation"), id="orgs.new"),
        Binding("e", "edit", _("Edit"), id="orgs.edit"),
        Binding("s", "stage", _("Change stage"), id="orgs.stage"),
        Binding("escape", "back", _("Back"), id="orgs.back"),
        Binding("r", "refresh", _("Refresh"), show=False, id="orgs.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.organisations: list[Organisation] = []
        self.staff: list[User] = []
        self.names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Organisations"))
        yield DataTable(cursor_type="row", zebra_stripes=True, id="org-table")
        with Vertical(id="org-detail"):
            yield Static("", id="org-facts", markup=False)
            yield Static(_("Implementation history"), id="history-title")
            yield DataTable(cursor_type="none", id="stage-history")
        yield Static("", id="orgs-status", classes="busy", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#org-table", DataTable)
        table.add_column(_("Name"), key="name", width=23)
        table.add_column(_("Products"), key="products", width=10)
        table.add_column(_("PDC"), key="pdc", width=3)
        table.add_column(_("Stage"), key="stage", width=20)
        table.add_column(_("Consultant"), key="consultant", width=13)
        history = self.query_one("#stage-history", DataTable)
        history.add_column(_("Started on"), key="started_on", width=10)
        history.add_column(_("Stage"), key="stage", width=20)
        history.add_column(_("Remarks"), key="note", width=24)
        history.add_column(_("Recorded by"), key="by", width=14)
        table.focus()
        self.load()

    # -- loading --------------------------------------------------------------

    @work(exclusive=True, group="orgs")
    async def load(self, keep: int | None = None, message: str = "") -> None:
        store, user = self.app.store, self.app.user
        self.say(_("Loading…"))
        try:
            organisations = await self.app.call(store.list_organisations, user)
            people = await self.app.call(store.list_users, user)
        except SacError as refusal:
            self.say(refusal.message)
            return
        self.organisations = sorted(organisations, key=lambda o: o.name.casefold())
        self.staff = [p for p in people if p.role.is_staff and p.active]
        self.names = {p.id: p.name for p in people}
        self.fill(keep)
        self.say(message or _("Organisations: {count}.", count=len(organisations)))

    def fill(self, keep: int | None) -> None:
        table = self.query_one("#org-table", DataTable)
        table.clear()
        for organisation in self.organisations:
            consultant = self.names.get(organisation.consultant_id or 0, "—")
            table.add_row(
                Text(organisation.name),
                Text(", ".join(p.code for p in organisation.products) or "—"),
                _("Yes") if organisation.pdc else _("No"),
                organisation.stage.label,
                Text(short_name(consultant)),
                key=str(organisation.id),
            )
        for index, organisation in enumerate(self.organisations):
            if organisation.id == keep:
                table.move_cursor(row=index)
        self.show_detail()

    def chosen(self) -> Organisation | None:
        table = self.query_one("#org-table", DataTable)
        row = table.cursor_row
        if not self.organisations or not 0 <= row < len(self.organisations):
            return None
        return self.organisations[row]

    def show_detail(self) -> None:
        organisation = self.chosen()
        facts = self.query_one("#org-facts", Static)
        history = self.query_one("#stage-history", DataTable)
        history.clear()
        if organisation is None:
            facts.update(_("No organisations yet. Press n to create one."))
            return
        products = "; ".join(
            f"{p.code} – {p.description}" if p.description else p.code
            for p in organisation.products
        )
        facts.update(
            "\n".join(
                [
                    f"{_('Products')}: {products or '—'}",
                    f"{_('E-mail domains')}: {', '.join(organisation.domains) or '—'}",
                ]
            )
        )
        for change in organisation.stage_history:
            by = self.names.get(change.changed_by or 0, _("System"))
            history.add_row(
                day_text(change.started_on),
                change.stage.label,
                Text(change.note or "—"),
                Text(short_name(by)),
            )
        history.scroll_end(animate=False)

    def say(self, message: str) -> None:
        self.query_one("#orgs-status", Static).update(message)

    @on(DataTable.RowHighlighted, "#org-table")
    def highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#org-table")
    def selected(self) -> None:
        self.action_edit()

    # -- actions --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "stage"):
            return self.chosen() is not None
        return True

    def action_new(self) -> None:
        self.edit(None)

    def action_edit(self) -> None:
        organisation = self.chosen()
        if organisation is not None:
            self.edit(organisation)

    @work(exclusive=True, group="orgs-edit")
    async def edit(self, organisation: Organisation | None) -> None:
        form = OrganisationForm(organisation, self.staff)
        saved = await self.app.push_screen_wait(form)
        if saved is None:
            return
        message = (
            _("Organisation {name} created.", name=saved.name)
            if organisation is None
            else _("Organisation {name} saved.", name=saved.name)
        )
        self.load(keep=saved.id, message=message)

    @work(exclusive=True, group="orgs-edit")
    async def action_stage(self) -> None:
        organisation = self.chosen()
        if organisation is None:
            return
        today = self.app.clock().strftime("%d/%m/%Y")
        saved = await self.app.push_screen_wait(StageDialog(organisation, today))
        if saved is None:
            return
        self.load(
            keep=saved.id,
            message=_(
                "{name} is now in {stage}.", name=saved.name, stage=saved.stage.label
            ),
        )

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        chosen = self.chosen()
        self.load(keep=chosen.id if chosen else None)
