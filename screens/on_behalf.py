"""Opening an interaction for someone else: a customer who called, or an organisation.

A customer who phones or writes on WhatsApp gets an interaction recorded in
their name: they are its author, and the agent who recorded it is in its
timeline. An interaction opened towards an organisation lands in its
people's Recebidos, for example to schedule the Levantamento meeting or to
announce an update. Both start by choosing whom in one searchable list.
"""

from __future__ import annotations

from typing import Any

from data.errors import SacError
from data.i18n import _
from data.models import Role
from screens.new_interaction import NewInteractionScreen
from screens.staff_dialogs import Choice, ChooseDialog

CUSTOMER, ORGANISATION = "customer", "organisation"


async def choose_on_behalf(app: Any) -> NewInteractionScreen | None:
    """Ask for whom to open an interaction; the form to fill, or ``None``.

    Must be awaited from a worker, as it waits for the dialog.

    Raises:
        SacError: the store refused the lists of people or organisations.
    """
    store, user = app.store, app.user
    people = await app.call(store.list_users, user)
    organisations = await app.call(store.list_organisations, user)
    names = {organisation.id: organisation.name for organisation in organisations}
    customers = sorted(
        (p for p in people if p.role is Role.CUSTOMER and p.active),
        key=lambda p: p.name,
    )
    choices = [
        Choice(
            (CUSTOMER, person.id),
            person.name,
            names.get(person.organisation_id, ""),
            group=_("On behalf of a customer who called or wrote"),
            keywords=person.email,
        )
        for person in customers
    ]
    choices += [
        Choice(
            (ORGANISATION, organisation.id),
            organisation.name,
            group=_("Towards an organisation (lands in its Received)"),
        )
        for organisation in sorted(organisations, key=lambda o: o.name)
    ]
    chosen = await app.push_screen_wait(
        ChooseDialog(
            _("New interaction: for whom?"),
            choices,
            placeholder=_("type part of a name, e-mail or organisation"),
        )
    )
    if chosen is None:
        return None
    whom, number = chosen
    if whom == CUSTOMER:
        return NewInteractionScreen(on_behalf_of=number)
    return NewInteractionScreen(towards_organisation=number)


async def open_on_behalf(app: Any) -> str:
    """Choose whom and open the form; a refusal's sentence, or "" if none."""
    try:
        form = await choose_on_behalf(app)
    except SacError as refusal:
        return refusal.message
    if form is not None:
        app.push_screen(form)
    return ""
