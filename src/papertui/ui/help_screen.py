"""The help screen: every key binding, grouped by where it works, taken from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar, Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_WIDTH = 22

LEGEND = (
    ("●", "the paper has an arXiv id (open and copy use it)"),
    ("~", "no title in the source: derived from the abstract"),
)
SEARCH_HELP = (
    "Type to filter: every word must match the title or abstract, with typos forgiven "
    "(one in words of 5–8 letters, two in longer ones) and partial words matched as you type. "
    "Papers that match in the title come first. An empty filter shows every paper in corpus order."
)


def binding_rows(app_key_display, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) per action, keys of the same action joined: "↑, k"."""
    rows: dict[tuple[str, str], list[str]] = {}
    for binding in Binding.make_bindings(bindings):
        description = binding.tooltip or binding.description or binding.action
        rows.setdefault((binding.action, description), []).append(app_key_display(binding))
    return [(", ".join(dict.fromkeys(keys)), description) for (_, description), keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    """Lists `groups`: (title, bindings) pairs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", key_display="Esc"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90;
            max-width: 100%;
            height: 90%;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    def __init__(self, groups: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "papertui keys  (Esc closes)"
            yield Static(self.help_text(), id="help-text")

    def help_text(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        for title, bindings in self.groups:
            parts.append((f"\n{title}\n", "bold $text-primary"))
            for keys, description in binding_rows(self.app.get_key_display, bindings):
                parts.extend([(f"  {keys:<{KEY_WIDTH}}", "bold"), f"{description}\n"])
        parts.append(("\nIn the list\n", "bold $text-primary"))
        for marker, meaning in LEGEND:
            parts.extend([(f"  {marker:<{KEY_WIDTH}}", "bold"), f"{meaning}\n"])
        parts.append(("\nFiltering\n", "bold $text-primary"))
        parts.append(f"  {SEARCH_HELP}\n")
        return Content.assemble(*parts)
