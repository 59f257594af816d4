"""Small modal screens: one line of text (tags, a note), and the export dialog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from papertui.ui.clean_input import CleanInput


EXPORT_CHOICES = ("bibtex", "markdown", "json", "ris", "csl-json", "links")
EXPORT_LABELS = {
    "bibtex": ("BibTeX", "@misc entries with eprint and archivePrefix, for LaTeX"),
    "markdown": ("Markdown", "a list of [title](link) with arXiv ids and tags"),
    "json": ("JSON", "every field of each paper, with your marks"),
    "ris": ("RIS", "entries as Zotero exports them, for any reference manager"),
    "csl-json": ("CSL-JSON", "CSL items for pandoc --citeproc, Zotero and word processors"),
    "links": ("Links", "one arXiv link a line"),
}

_MODAL_CSS_TEMPLATE = """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 80;
        max-width: 100%;
        height: auto;
        border: round $accent;
        border-title-color: $text-accent;
        background: $surface;
        padding: 0 1;
    }}
    & .prompt-hint {{ color: $text-muted; }}
}}
"""


def modal_css(name: str) -> str:
    """The look every small dialog shares: a bordered box in the middle of the screen."""
    return _MODAL_CSS_TEMPLATE.format(name=name)



class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text: Enter gives it, Esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = modal_css("TextPrompt")

    def __init__(self, title: str, value: str = "", hint: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint, self.placeholder = title, value, hint, placeholder

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text  # a border title is plain text, not markup
            yield CleanInput(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(Content(f"{self.hint}  Enter saves · Esc cancels".strip()), classes="prompt-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)


@dataclass(frozen=True)
class ExportRequest:
    format: str
    path: str  # empty: to the clipboard
    append: bool = False  # BibTeX into an existing .bib: only the entries it lacks


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Choose a format and a destination (a file, or the clipboard when left empty)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("ctrl+a", "export(True)", "Append", priority=True, show=False),
        Binding("up", "choose(-1)", "Previous format", show=False),
        Binding("down", "choose(1)", "Next format", show=False),
    ]
    DEFAULT_CSS = modal_css("ExportScreen") + """
    ExportScreen RadioSet { width: 100%; border: none; padding: 0; }
    """

    def __init__(self, count: int, what: str, last_format: str = "bibtex", path: str = "", problem: str = "") -> None:
        super().__init__()
        self.count, self.what, self.last_format = count, what, last_format
        self.path, self.problem = path, problem
        self._confirmed: str | None = None  # the existing file Enter was pressed on once

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Export {self.what}"
            with RadioSet(id="export-format"):
                for name in EXPORT_CHOICES:
                    title, meaning = EXPORT_LABELS[name]
                    label = Content.assemble((title, "bold"), f": {meaning}")
                    yield RadioButton(label, value=name == self.last_format, name=name)
            yield CleanInput(value=self.path, placeholder="File to write; leave empty to copy to the clipboard", id="export-path")
            yield Static(Content.styled(self.problem, "$text-error") if self.problem else "", id="export-warning")
            yield Static(
                Content("↑/↓ choose the format · Enter (or Ctrl+S) exports · Esc cancels"),
                classes="prompt-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def action_choose(self, step: int) -> None:
        names = list(EXPORT_CHOICES)
        position = (names.index(self._format()) + step) % len(names)
        for button in self.query(RadioButton):
            if button.name == names[position]:
                button.value = True

    def _format(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else self.last_format

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def _warn(self, text: str) -> None:
        self.query_one("#export-warning", Static).update(Content.styled(text, "$text-warning"))

    def action_export(self, append: bool = False) -> None:
        """Export; an existing file is replaced only on a second Enter, or appended to
        (BibTeX) with Ctrl+A."""
        path = self.query_one("#export-path", Input).value.strip()
        target = Path(path).expanduser() if path else None
        if append:
            if self._format() != "bibtex" or target is None:
                self._warn("Ctrl+A appends BibTeX entries to an existing .bib file: choose BibTeX and a file.")
                return
            self.dismiss(ExportRequest("bibtex", path, append=True))
            return
        if target is not None and target.exists() and self._confirmed != path:
            self._confirmed = path
            more = " · Ctrl+A adds only the entries it lacks" if self._format() == "bibtex" else ""
            self._warn(f"{target.name} exists: Enter again replaces it{more} · or type another path")
            return
        self.dismiss(ExportRequest(self._format(), path))
