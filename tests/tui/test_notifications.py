"""Notificações: reading them, opening their interaction, marking them read."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widgets import OptionList, Static
from textual.worker import WorkerState

from screens.detail import DetailScreen
from screens.interactions import InteractionsScreen
from screens.notifications import NotificationsScreen
from tui.config import Config


async def settle(pilot: Any) -> None:
    app = pilot.app
    for _attempt in range(500):
        await pilot.pause()
        running = (WorkerState.PENDING, WorkerState.RUNNING)
        if not any(worker.state in running for worker in app.workers):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the console is still busy")


async def open_notifications(pilot: Any) -> NotificationsScreen:
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NotificationsScreen)
    return pilot.app.screen


def lines(screen: NotificationsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [
        str(options.get_option_at_index(i).prompt) for i in range(len(screen.items))
    ]


def unread_in_header(screen: Any) -> str:
    return str(screen.query_one("#unread", Static).render())


async def test_the_answers_notification_is_listed_unread(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_notifications(pilot)

        assert lines(screen) == [
            f"● 10/03/2026 10:00  A interação {opened[0]} foi respondida.",
        ]
        assert unread_in_header(screen) == "Notificações: 1"


async def test_newest_first_and_plain_marks_without_glyphs(
    make_app, signed_in, store, people, opened
) -> None:
    store.answer(people.agent, opened[1], "Obrigado pelo elogio!")
    app = make_app(config=Config(glyphs=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_notifications(pilot)

        assert lines(screen) == [
            f"* 10/03/2026 10:00  A interação {opened[1]} foi respondida.",
            f"* 10/03/2026 10:00  A interação {opened[0]} foi respondida.",
        ]


async def test_enter_opens_the_interaction_and_marks_it_read(
    make_app, signed_in, store, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        await open_notifications(pilot)
        await pilot.press("enter")
        await settle(pilot)

        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.protocol == opened[0]
        assert store.unread_count(people.customer) == 0

        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotificationsScreen)
        assert lines(screen)[0].startswith("  10/03/2026")
        assert unread_in_header(screen) == "Notificações: 0"


async def test_m_marks_one_read_and_shift_m_all(
    make_app, signed_in, store, people, opened
) -> None:
    store.answer(people.agent, opened[1], "Obrigado pelo elogio!")
    store.answer(people.agent, opened[2], "Vamos avaliar a sugestão.")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_notifications(pilot)
        assert unread_in_header(screen) == "Notificações: 3"

        await pilot.press("down", "m")
        await settle(pilot)
        assert [line[0] for line in lines(screen)] == ["●", " ", "●"]
        assert unread_in_header(screen) == "Notificações: 2"
        assert store.unread_count(people.customer) == 2

        await pilot.press("M")
        await settle(pilot)
        assert [line[0] for line in lines(screen)] == [" ", " ", " "]
        assert unread_in_header(screen) == "Notificações: 0"
        assert store.unread_count(people.customer) == 0


async def test_nothing_to_read_says_so(make_app, signed_in, people) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        screen = await open_notifications(pilot)

        status = screen.query_one("#notifications-status", Static)
        assert str(status.render()) == "Nenhuma notificação ainda."


async def test_esc_goes_back_to_the_list_on_the_same_row(
    make_app, signed_in, people, opened
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(people.customer)(pilot)
        await pilot.press("down")
        await pilot.pause()
        before = app.screen.current_protocol()
        await open_notifications(pilot)
        await pilot.press("escape")
        await settle(pilot)

        assert isinstance(app.screen, InteractionsScreen)
        assert app.screen.current_protocol() == before


def test_snapshot_notifications(
    snap_compare, make_app, signed_in, store, people, opened
) -> None:
    store.answer(people.agent, opened[1], "Obrigado pelo elogio!")
    store.answer(people.agent, opened[2], "Qual setor primeiro?", ask=True)
    store.mark_read(people.customer, [store.notifications(people.customer)[-1].id])

    async def run_before(pilot: Any) -> None:
        await signed_in(people.customer)(pilot)
        await open_notifications(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
