"""The breadcrumb line of the citation walk: `Attention is all you need › cited by › …`."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from papertui.corpus.text import drawable

TITLE_SHOWN = 30  # characters of each title: the path stays on one line for a few steps
SEPARATOR = " › "


def short_title(title: str, most: int = TITLE_SHOWN) -> str:
    title = drawable(" ".join(title.split()))
    return title if len(title) <= most else title[: most - 1].rstrip() + "…"


def breadcrumb_content(steps: tuple[tuple[str, str], ...], papers: int | None, fetching: bool) -> Content:
    """The path as Content: titles are service or file text, taken literally (never markup)."""
    parts: list[Content | tuple[str, str] | str] = []
    for title, direction in steps:
        parts += [(short_title(title), "bold"), (SEPARATOR, "$text-muted"), (direction, "$text-accent"), (SEPARATOR, "$text-muted")]
    if parts:
        parts.pop()  # the last separator
    count = ""
    if papers is not None:
        count = f"{papers:,} paper{'s' if papers != 1 else ''}{', more coming…' if fetching else ''} · "
    parts.append((f"  ({count}Backspace: back)", "italic $text-muted"))
    return Content.assemble(*parts)


class Breadcrumb(Static):
    """Where the citation walk is; hidden when it is not walking. The app sets `steps`."""

    DEFAULT_CSS = """
    Breadcrumb {
        display: none;
        height: 1;
        padding: 0 1;
        background: $boost;
        &.-walking { display: block; }
    }
    """

    steps: reactive[tuple[tuple[str, str], ...]] = reactive((), init=False)
    papers: reactive[int | None] = reactive(None, init=False)
    fetching: reactive[bool] = reactive(False, init=False)

    def _refresh_path(self) -> None:
        self.set_class(bool(self.steps), "-walking")
        self.update(breadcrumb_content(self.steps, self.papers, self.fetching) if self.steps else Content(""))

    def watch_steps(self) -> None:
        self._refresh_path()

    def watch_papers(self) -> None:
        self._refresh_path()

    def watch_fetching(self) -> None:
        self._refresh_path()

    @property
    def text(self) -> str:
        return breadcrumb_content(self.steps, self.papers, self.fetching).plain if self.steps else ""
