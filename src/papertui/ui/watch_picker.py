"""The `w` dialog: the highlighted paper's authors, each marked when watched; Enter watches
or stops watching the highlighted author (the list behind follows at once), Esc closes.

The dialog stays open after Enter, so that several authors of one paper can be chosen. A
paper with one author gets the dialog too: it shows whom `w` would watch before it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from papertui.corpus.text import drawable
from papertui.ui.prompts import modal_css

TITLE_SHOWN = 60
WATCHED_MARKER = "◉"


@dataclass(frozen=True)
class Toggled:
    """What the app did with an author: now watched or not, and the line to say (or a problem)."""

    watched: bool
    line: str


class WatchPicker(ModalScreen[None]):
    """Lists `authors`; `is_watched(author)` says which are watched, `toggle(author)` watches
    or stops watching one and says what happened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,w,q", "dismiss(None)", "Close"),
    ]
    DEFAULT_CSS = modal_css("WatchPicker") + """
    WatchPicker OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    """

    def __init__(self, title: str, authors: Sequence[str], is_watched: Callable[[str], bool], toggle: Callable[[str], Toggled]) -> None:
        super().__init__()
        self.paper_title = title
        self.authors = list(authors)
        self.is_watched = is_watched
        self.toggle = toggle

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            title = drawable(self.paper_title)
            box.border_title = Content(f"Watch an author of: {title[:TITLE_SHOWN]}{'…' if len(title) > TITLE_SHOWN else ''}")
            yield OptionList(*(Option(self._line(author), id=str(n)) for n, author in enumerate(self.authors)), id="authors")
            yield Static(Content("Enter watches or stops watching the author (their papers are highlighted; is:watched finds them) · Esc closes"), classes="prompt-hint")
            yield Static(Content(""), id="watch-said", classes="prompt-hint")

    def _line(self, author: str) -> Content:
        """An author as the dialog lists them: the name drawn literally, never as markup."""
        name = drawable(author)
        if self.is_watched(author):
            return Content.assemble((f"{WATCHED_MARKER} ", "bold $text-primary"), (name, "bold"), (" (watched)", "$text-primary"))
        return Content(f"  {name}")

    @property
    def lines(self) -> list[str]:
        """The authors as shown, plain (for tests)."""
        options = self.query_one("#authors", OptionList)
        return [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        author = self.authors[event.option_index]
        done = self.toggle(author)
        options = self.query_one("#authors", OptionList)
        # Every line again: one name may be several authors' ("Y. Li" and "Yang Li" alike).
        for number, name in enumerate(self.authors):
            options.replace_option_prompt_at_index(number, self._line(name))
        self.query_one("#watch-said", Static).update(Content(done.line))
