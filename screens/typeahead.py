"""Screens whose fields keep what is typed ahead of the screen.

Over a slow link people type ahead, and "e-mail, Enter, password, Enter"
reaches the console in one burst. ``Input.Submitted`` would reach the screen
only after every key of the burst had been handed to the field holding the
focus: the password would land in the e-mail field, in clear. A priority
binding on Enter runs while the burst is being read instead, so the focus
moves before the next key is handed on. Tab and Shift+Tab get the same
treatment: Textual's own Tab binding waits for the focused widget too.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from data.i18n import _


def enter_binding(binding_id: str, description: str = "") -> Binding:
    """The Enter binding of a ``TypeAheadScreen``, with the screen's own id."""
    return Binding(
        "enter",
        "field_entered",
        description or _("Next field"),
        show=False,
        priority=True,
        id=binding_id,
    )


def keeps_tab(widget: Widget) -> bool:
    """Whether ``widget`` has a use of its own for Tab (completing, indenting)."""
    if isinstance(widget, TextArea) and widget.tab_behavior == "indent":
        return True
    for cls in type(widget).__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            keys = binding.key if isinstance(binding, Binding) else binding[0]
            if "tab" in keys.split(","):
                return True
    return False


class TypeAheadScreen(Screen[Any]):
    """A screen where Enter in a one-line field is handled the moment it is read.

    Add ``enter_binding(...)`` to the screen's bindings. ``move_on_from``
    moves the focus at once; ``entered`` runs once the field has taken every
    key typed before the Enter, so it reads the whole value. A screen's own
    binding that moves the focus (Ctrl+S to the next step, / to a search
    box) should be a priority one too, and use ``set_focus``, not ``focus``.

    Name this class last among a screen's bases (``class Form(ModalScreen[Any],
    TypeAheadScreen)``): Textual takes CSS and type selectors along the first
    base only, so put first it hides ``ModalScreen``'s dimmed backdrop.
    """

    BINDINGS = [
        Binding("tab", "focus_at_once(1)", show=False, priority=True, id="form.next"),
        Binding(
            "shift+tab",
            "focus_at_once(-1)",
            show=False,
            priority=True,
            id="form.previous",
        ),
    ]

    def takes_enter_in(self, field: Input) -> bool:
        """Whether Enter in ``field`` is the screen's; if not, the field's own."""
        return True

    def move_on_from(self, field: Input) -> None:
        """Enter in ``field``, as it is read: by default, on to the next field."""
        self.focus_next()

    def entered(self, field: Input) -> None:
        """Enter in ``field``, once it holds what was typed before the Enter."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "field_entered":
            # On a button, a list or a table, Enter does what it always does.
            focused = self.focused
            return isinstance(focused, Input) and self.takes_enter_in(focused)
        if action == "focus_at_once":
            return self.focused is None or not keeps_tab(self.focused)
        return super().check_action(action, parameters)

    def action_focus_at_once(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_field_entered(self) -> None:
        field = self.focused
        assert isinstance(field, Input)
        self.move_on_from(field)
        # Queued behind the keys the field has still to take.
        field.call_later(self.entered, field)
