"""The `l` dialog: a paper's links (code, project pages), each shown in full; Enter opens the
highlighted one in the browser, y copies it, Esc closes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

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


@dataclass(frozen=True)
class LinkChoice:
    url: str
    action: Literal["open", "copy"]


class LinksScreen(ModalScreen[LinkChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,l", "dismiss(None)", "Close"),
        Binding("y", "choose('copy')", "Copy link"),
    ]
    DEFAULT_CSS = modal_css("LinksScreen") + """
    LinksScreen OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    """

    def __init__(self, title: str, links: list[str]) -> None:
        super().__init__()
        self.paper_title, self.links = title, links

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            title = drawable(self.paper_title)
            box.border_title = Content(f"Links of: {title[:TITLE_SHOWN]}{'…' if len(title) > TITLE_SHOWN else ''}")
            # Content, never markup: a URL may hold [brackets]; every URL is shown whole.
            yield OptionList(*(Option(Content(drawable(url)), id=str(n)) for n, url in enumerate(self.links)), id="links")
            yield Static(Content("Enter opens in the browser · y copies · Esc closes"), classes="prompt-hint")

    def action_choose(self, action: Literal["open", "copy"]) -> None:
        highlighted = self.query_one("#links", OptionList).highlighted
        if highlighted is not None:
            self.dismiss(LinkChoice(self.links[highlighted], action))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(LinkChoice(self.links[event.option_index], "open"))
