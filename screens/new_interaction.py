"""Nova Interação: a customer chooses what it is about, then writes it.

Step 1 asks for Categoria and Tipo; "Avançar" opens step 2 under it, with
Assunto, Descrição, the category's own fields (severity and on-site
attendance for Suporte, the wished date for Atualização) and Anexos. Step 1
stays on screen, read-only, until "Voltar" makes it editable again. A
refusal of the store shows next to its field, which gets the focus; nothing
typed is lost.

The support team opens it for someone else (screens/on_behalf.py asks
whom): on behalf of a customer who called, who becomes its author, or
towards an organisation, where it lands in its people's Recebidos. The line
above Categoria says which.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from data.errors import SacError, ValidationError
from data.i18n import _
from data.models import Category, Kind, Severity
from data.store import Draft
from data.validation import SUBJECT_MAX
from screens.typeahead import TypeAheadScreen, enter_binding
from widgets.attachments import AttachmentField
from widgets.confirm import ConfirmScreen
from widgets.fields import FieldError, QuietInput, QuietTextArea
from widgets.header import AppHeader

log = logging.getLogger("sac.tui")

DATE_FORMAT = "%d/%m/%Y"

# Where each field the store names in a refusal takes the focus.
FOCUS = {
    "category": "#category",
    "subject": "#subject",
    "description": "#description",
    "severity": "#severity",
    "wished_date": "#wished-date",
    "attachments": "#attachment-path",
}


def parse_date(typed: str) -> date | None:
    """A date typed as dd/mm/aaaa; ``None`` when nothing was typed.

    Raises:
        ValidationError: the text is not a date in that form.
    """
    if not typed.strip():
        return None
    try:
        return datetime.strptime(typed.strip(), DATE_FORMAT).date()
    except ValueError:
        raise ValidationError(
            _(
                "{typed} is not a date: type it as dd/mm/aaaa, such as 16/03/2026.",
                typed=typed.strip(),
            ),
            field="wished_date",
        ) from None


def kind_hint(kind: Kind) -> str:
    """What each Tipo is for, in the words of the customer's guide."""
    return {
        Kind.REQUEST: _(
            "Request: a new permission, a training or an adjustment to your system."
        ),
        Kind.COMPLAINT: _("Complaint: something in the system seems not to work."),
        Kind.COMPLIMENT: _(
            "Compliment: praise the system, the site, the apps or the attendance."
        ),
        Kind.SUGGESTION: _(
            "Suggestion: an improvement to the system, the site or the apps."
        ),
    }[kind]


class NewInteractionScreen(TypeAheadScreen):
    """Categoria and Tipo, then Assunto, Descrição, Anexos; Ctrl+S sends."""

    BINDINGS = [
        # Priority ones: the subject typed after Ctrl+S goes to the subject.
        Binding("ctrl+s", "advance", _("Next"), id="new.advance", priority=True),
        Binding("ctrl+s", "send", _("Send"), id="new.send", priority=True),
        enter_binding("new.next_field"),
        Binding("ctrl+o", "pick", _("Choose file"), id="new.pick"),
        Binding("ctrl+t", "attach", _("Attach by path"), show=False, id="new.attach"),
        Binding("f2", "step_back", _("Change category"), show=False, id="new.category"),
        Binding("escape", "leave", _("Back to the list"), id="new.back"),
    ]

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        *,
        on_behalf_of: int | None = None,
        towards_organisation: int | None = None,
    ) -> None:
        """Open the form for oneself, or, for the support team, for others.

        Args:
            on_behalf_of: the customer who called; they become the author.
            towards_organisation: the organisation the interaction goes to.
        """
        super().__init__()
        self.step = 1
        self.sending = False
        self.on_behalf_of = on_behalf_of
        self.towards_organisation = towards_organisation

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(_("New interaction"))
        with VerticalScroll(id="new-form"):
            if self.on_behalf_of is not None:
                yield self.row(
                    "for",
                    _("On behalf of"),
                    Static("", id="for-whom", markup=False),
                    error=False,
                )
            elif self.towards_organisation is not None:
                yield self.row(
                    "for", _("To"), Static("", id="for-whom", markup=False), error=False
                )
            yield self.row(
                "category",
                _("Category"),
                Select(
                    self.category_options(pdc=False),
                    value=Category.SAC.value,
                    allow_blank=False,
                    compact=True,
                    id="category",
                ),
            )
            yield self.row(
                "kind",
                _("Type"),
                Select(
                    [(kind.label, kind.value) for kind in Kind],
                    value=Kind.REQUEST.value,
                    allow_blank=False,
                    compact=True,
                    id="kind",
                ),
            )
            yield Static(kind_hint(Kind.REQUEST), id="kind-hint", classes="hint")
            with Horizontal(id="step1-buttons", classes="buttons form-buttons"):
                yield Button(_("Next"), id="advance", variant="primary")
            with Vertical(id="step2"):
                yield from self.compose_step2()
        yield Footer()

    def compose_step2(self) -> ComposeResult:
        yield self.row(
            "subject", _("Subject"), QuietInput(max_length=SUBJECT_MAX, id="subject")
        )
        yield self.row(
            "description",
            _("Description"),
            QuietTextArea(id="description", compact=True, highlight_cursor_line=False),
        )
        yield self.row(
            "severity",
            _("Severity"),
            Horizontal(
                Select(
                    [(severity.label, severity.value) for severity in Severity],
                    prompt=_("Choose"),
                    compact=True,
                    id="severity",
                ),
                Checkbox(_("On-site attendance"), compact=True, id="on-site"),
                classes="inline",
            ),
        )
        yield self.row(
            "wished_date",
            _("Wished date"),
            Horizontal(
                QuietInput(placeholder="dd/mm/aaaa", max_length=10, id="wished-date"),
                Static(self.update_rule(), id="wished-date-rule", classes="hint"),
                classes="inline",
            ),
        )
        yield self.row(
            "attachments",
            _("Attachments"),
            AttachmentField(self.app.config.attachment_folder),
            error=False,
        )
        yield FieldError(id="new-error")
        with Horizontal(id="step2-buttons", classes="buttons form-buttons"):
            yield Button(_("Back"), id="step-back")
            yield Button(_("Send"), id="send", variant="primary")
        yield Static("", id="new-busy", classes="busy")

    @staticmethod
    def row(field: str, label: str, *widgets: Widget, error: bool = True) -> Horizontal:
        """The label on the left; the field and its refusal on the right."""
        refusal = [FieldError()] if error else []
        return Horizontal(
            Label(label, classes="form-label"),
            Vertical(*widgets, *refusal, classes="form-field"),
            id=f"row-{field}",
            classes="form-row",
        )

    @staticmethod
    def category_options(*, pdc: bool) -> list[tuple[str, str]]:
        return [
            (category.label, category.value)
            for category in Category
            if pdc or category is not Category.PDC
        ]

    def update_rule(self) -> str:
        earliest = self.app.clock().date() + timedelta(days=7)
        return _(
            "Monday to Wednesday, from {earliest}",
            earliest=earliest.strftime(DATE_FORMAT),
        )

    def on_mount(self) -> None:
        self.query_one("#step2").display = False
        self.show_category_fields()
        self.query_one("#category", Select).focus()
        self.offer_pdc()

    @work(exclusive=True, group="new-organisation")
    async def offer_pdc(self) -> None:
        """Offer PDC only to an organisation with that contract.

        The organisation is the one the interaction will belong to: the
        person's own, the customer's on whose behalf it is recorded, or the
        one it goes to; the line above Categoria names them.
        """
        store, user = self.app.store, self.app.user
        if user is None:
            return
        try:
            customer = None
            organisation_id = self.towards_organisation or user.organisation_id
            if self.on_behalf_of is not None:
                customer = await self.app.call(store.get_user, user, self.on_behalf_of)
                organisation_id = customer.organisation_id
            if organisation_id is None:
                return
            organisation = await self.app.call(
                store.get_organisation, user, organisation_id
            )
        except SacError as error:
            log.info("PDC not offered: %s", error.message)
            for line in self.query("#for-whom").results(Static):
                line.update(error.message)
            return
        if customer is not None:
            whom = f"{customer.name} · {organisation.name}"
            self.query_one("#for-whom", Static).update(whom)
        elif self.towards_organisation is not None:
            self.query_one("#for-whom", Static).update(organisation.name)
        if organisation.pdc:
            category = self.query_one("#category", Select)
            chosen = category.value
            category.set_options(self.category_options(pdc=True))
            category.value = chosen

    # -- steps ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "advance":
            return self.step == 1
        if action in ("send", "pick", "attach", "step_back"):
            return self.step == 2
        return super().check_action(action, parameters)

    @on(Button.Pressed, "#advance")
    def action_advance(self) -> None:
        self.step = 2
        for select in self.query("#category, #kind").results(Select):
            select.disabled = True
        self.query_one("#step1-buttons").display = False
        self.query_one("#kind-hint").display = False
        self.query_one("#step2").display = True
        self.show_category_fields()
        self.refresh_bindings()
        self.set_focus(self.query_one("#subject", Input))

    @on(Button.Pressed, "#step-back")
    def action_step_back(self) -> None:
        self.step = 1
        for select in self.query("#category, #kind").results(Select):
            select.disabled = False
        self.query_one("#step1-buttons").display = True
        self.query_one("#kind-hint").display = True
        self.query_one("#step2").display = False
        self.refresh_bindings()
        self.query_one("#category", Select).focus()

    @on(Select.Changed, "#kind")
    def show_kind_hint(self, event: Select.Changed) -> None:
        self.query_one("#kind-hint", Static).update(kind_hint(Kind(event.value)))

    @on(Select.Changed, "#category")
    def show_category_fields(self) -> None:
        category = self.category()
        self.query_one("#row-severity").display = category is Category.SUPPORT
        self.query_one("#row-wished_date").display = category is Category.UPDATE

    def category(self) -> Category:
        return Category(self.query_one("#category", Select).value)

    # -- attachments ----------------------------------------------------------

    def action_attach(self) -> None:
        self.query_one(AttachmentField).focus_path()

    def action_pick(self) -> None:
        self.query_one(AttachmentField).pick()

    # -- the wished date ------------------------------------------------------

    @on(Input.Blurred, "#wished-date")
    def date_typed(self) -> None:
        """Say at once when the date is not one: the store judges the rule."""
        error = self.field_error("wished_date")
        try:
            parse_date(self.query_one("#wished-date", Input).value)
        except ValidationError as refusal:
            error.show(refusal.message)
        else:
            error.show("")

    # -- sending --------------------------------------------------------------

    def takes_enter_in(self, field: Input) -> bool:
        # Enter in the attachment's path adds the file there.
        return field.id != "attachment-path"

    def move_on_from(self, field: Input) -> None:
        if field.id == "subject":
            self.set_focus(self.query_one("#description"))
        else:
            self.focus_next()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.step == 2 and not self.sending:
            self.send()

    def draft(self) -> Draft:
        """What the form holds, as the store takes it.

        Raises:
            ValidationError: the wished date is not a date.
        """
        category = self.category()
        draft = Draft(
            category=category,
            kind=Kind(self.query_one("#kind", Select).value),
            subject=self.query_one("#subject", Input).value,
            description=self.query_one("#description", QuietTextArea).text,
            attachments=list(self.query_one(AttachmentField).paths),
            on_behalf_of=self.on_behalf_of,
            towards_organisation=self.towards_organisation,
        )
        if category is Category.SUPPORT:
            severity = self.query_one("#severity", Select).value
            draft.severity = None if severity is Select.NULL else Severity(severity)
            draft.on_site = self.query_one("#on-site", Checkbox).value
        if category is Category.UPDATE:
            draft.wished_date = parse_date(self.query_one("#wished-date", Input).value)
        return draft

    @work(exclusive=True, group="new-interaction")
    async def send(self) -> None:
        """Open the interaction, then show it in place of this form."""
        self.clear_errors()
        busy = self.query_one("#new-busy", Static)
        self.sending = True
        busy.update(_("Sending…"))
        try:
            draft = self.draft()
            interaction = await self.app.call(
                self.app.store.create_interaction, self.app.user, draft
            )
        except SacError as error:
            self.show_refusal(error)
            return
        finally:
            self.sending = False
            busy.update("")
        protocol = interaction.protocol
        self.app.notify(
            _("Interaction created with protocol {protocol}", protocol=protocol)
        )
        if self.app.user.role.is_staff:
            from screens.staff_detail import StaffDetailScreen

            self.app.switch_screen(StaffDetailScreen(protocol))
            return
        from screens.detail import DetailScreen

        self.app.switch_screen(DetailScreen(protocol))

    # -- refusals -------------------------------------------------------------

    def field_error(self, field: str) -> FieldError:
        return self.query_one(f"#row-{field} FieldError", FieldError)

    def clear_errors(self) -> None:
        for error in self.query(FieldError):
            error.show("")

    def show_refusal(self, error: SacError) -> None:
        if error.field not in FOCUS:
            self.query_one("#new-error", FieldError).show(error.message)
            return
        if error.field == "category":
            self.action_step_back()
        self.field_error(error.field).show(error.message)
        target: Widget = self.query_one(FOCUS[error.field])
        target.focus()
        self.query_one(f"#row-{error.field}").scroll_visible(animate=False)

    # -- leaving --------------------------------------------------------------

    def has_unsent_text(self) -> bool:
        return bool(
            self.query_one("#subject", Input).value.strip()
            or self.query_one("#description", QuietTextArea).text.strip()
            or self.query_one(AttachmentField).paths
        )

    def action_leave(self) -> None:
        if self.sending:
            # Leaving now would not stop the store, only hide its answer.
            return
        if not self.has_unsent_text():
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen(
                _("Discard this interaction?"),
                act=_("Discard"),
                keep=_("Keep editing"),
            ),
            answered,
        )
