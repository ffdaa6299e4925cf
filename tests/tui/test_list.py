"""The interaction list: boxes, filters, search, paging and the eye action."""

from __future__ import annotations

import time

from tests_tui_support import type_ahead, type_text
from textual.widgets import DataTable, Input, Select

from data.models import Category, Kind
from data.store import Draft
from screens.detail import DetailScreen
from screens.interactions import InteractionsScreen


def protocols_shown(app) -> list[int]:
    return [row.protocol for row in app.screen.rows]


async def open_list(pilot, signed_in, user) -> InteractionsScreen:
    await signed_in(user)(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, InteractionsScreen)
    return pilot.app.screen


async def test_sent_lists_the_customers_own_newest_first(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        assert protocols_shown(app) == sorted(opened, reverse=True)
        table = screen.query_one(DataTable)
        assert table.get_row_at(0)[1] == str(max(opened))
        # The eye marks the row that Enter or v opens.
        assert table.get_row_at(0)[0] == "👁"


async def test_another_organisation_sees_none_of_them(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, signed_in, people.other)
        assert protocols_shown(app) == []
        assert "Nenhuma interação" in str(app.screen.query_one("#list-status").render())


async def test_filter_by_kind_shows_only_that_kind(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        screen.query_one("#kind-filter", Select).value = Kind.COMPLIMENT.value
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [row.kind for row in screen.rows] == [Kind.COMPLIMENT]


async def test_slash_searches_subject_and_description_ignoring_accents(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        await pilot.press("slash")
        assert app.focused.id == "search"
        await type_text(pilot, "tramitacao")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [row.subject for row in screen.rows] == ["Relatório por setor"]
        assert app.focused is screen.query_one(DataTable)

        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.rows) == 3
        assert screen.query_one("#search", Input).value == ""


async def test_a_search_typed_ahead_keeps_every_letter_in_the_box(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        await type_ahead(pilot, "/tramitacao", "enter")

        assert screen.query_one("#search", Input).value == "tramitacao"
        assert [row.subject for row in screen.rows] == ["Relatório por setor"]
        assert app.focused is screen.query_one(DataTable)


async def test_keys_typed_ahead_of_a_search_move_through_its_answer(
    make_app, signed_in, people, opened, monkeypatch
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        answer = app.store.list_interactions

        def slow_answer(*args, **kwargs):
            time.sleep(0.3)  # a store across a slow network
            return answer(*args, **kwargs)

        monkeypatch.setattr(app.store, "list_interactions", slow_answer)
        await pilot.press("G")  # the cursor on the oldest of the three
        # "de" is in all three. j Enter, typed before the answer is in, are
        # for the answer: its second row, not the row after the old cursor.
        await type_ahead(pilot, "/de", "enter", "j", "enter")

        assert isinstance(app.screen, DetailScreen)
        assert app.screen.protocol == sorted(opened)[1]
        assert screen.text == "de"


async def test_the_next_page_loads_when_the_cursor_reaches_the_end(
    make_app, signed_in, people, store
) -> None:
    import screens.interactions as module

    drafts = [
        Draft(Category.SAC, Kind.REQUEST, f"Pedido {n}", "Descrição do pedido.")
        for n in range(7)
    ]
    for draft in drafts:
        store.create_interaction(people.customer, draft)
    app = make_app()
    original = module.PAGE_SIZE
    module.PAGE_SIZE = 3
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_list(pilot, signed_in, people.customer)
            assert len(screen.rows) == 3
            assert screen.total == 7
            await pilot.press("G")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(screen.rows) == 6
    finally:
        module.PAGE_SIZE = original


async def test_received_holds_what_the_vendor_sent_to_the_organisation(
    make_app, signed_in, people, store
) -> None:
    store.create_interaction(
        people.agent,
        Draft(
            Category.SAC,
            Kind.REQUEST,
            "Agendar reunião de levantamento",
            "Vamos marcar a reunião de levantamento de requisitos.",
            towards_organisation=people.customer.organisation_id,
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot, signed_in, people.customer)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [row.subject for row in screen.rows] == [
            "Agendar reunião de levantamento"
        ]
        header = str(screen.query_one("#unread").render())
        assert header == "Notificações: 1"


def test_list_snapshot(snap_compare, make_app, signed_in, people, opened) -> None:
    assert snap_compare(
        make_app(), terminal_size=(80, 24), run_before=signed_in(people.customer)
    )


def test_wide_list_snapshot(snap_compare, make_app, signed_in, people, opened) -> None:
    assert snap_compare(
        make_app(), terminal_size=(120, 24), run_before=signed_in(people.customer)
    )
