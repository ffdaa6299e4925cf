"""Form fields that stay quiet on a slow link and say what is wrong."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static, TextArea


class QuietInput(Input):
    """A one-line input whose cursor does not blink: no repaint while idle.

    Compact (no border), so that a form fits in 24 lines.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False


class QuietTextArea(TextArea):
    """A several-line text box whose cursor does not blink."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False


class FieldError(Static):
    """The sentence under a field that says why its value was refused."""

    DEFAULT_CSS = """
    FieldError { color: $text-error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    """

    def show(self, message: str) -> None:
        self.update(message)
        self.set_class(bool(message), "-shown")


class LabelledInput(Vertical):
    """A label and an input on one line, and the refusal sentence under them.

    Args:
        label: what the field asks for.
        field: the name the store uses for this field in its refusals.
    """

    DEFAULT_CSS = """
    LabelledInput { height: auto; }
    LabelledInput > Horizontal { height: 1; }
    LabelledInput Label { width: 18; padding: 0 1; color: $text-muted; }
    LabelledInput FieldError { padding: 0 0 0 18; }
    """

    def __init__(
        self,
        label: str,
        *,
        field: str,
        password: bool = False,
        placeholder: str = "",
        value: str = "",
        max_length: int = 0,
    ) -> None:
        super().__init__(id=f"field-{field}", classes="field")
        self.label = label
        self.field = field
        self._input = QuietInput(
            value=value,
            placeholder=placeholder,
            password=password,
            max_length=max_length,
            id=field,
        )

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield self._input
        yield FieldError()

    @property
    def input(self) -> QuietInput:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    def show_error(self, message: str) -> None:
        self.query_one(FieldError).show(message)

    def clear_error(self) -> None:
        self.query_one(FieldError).show("")
