"""What the keys do to papers: open, copy, star, read, tags, note, select, export, choose.

Each acts on the selected papers when there are any, else on the highlighted one (a note is
always for the highlighted one). Mixed into `PaperApp`, which supplies the panes and state.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import SuspendNotSupported

from papertui.corpus.model import Paper
from papertui.export import bibtex_to_append, export
from papertui.links import LinkKind, PaperLink, copy_with_pyperclip, open_in_browser, paper_link
from papertui.storage.regular_files import check_regular, read_regular_text
from papertui.search.query import parse_query
from papertui.marks.store import StateError
from papertui.ui.note_editor import EditorError, NoteEditor, edit_in_editor
from papertui.ui.prompts import ExportRequest, ExportScreen, TextPrompt

if TYPE_CHECKING:
    from papertui.ui.app import PaperApp

    _Base = PaperApp
else:
    _Base = object

MAX_OPEN = 10  # more tabs at once is a mistake more often than a wish
LINKS_SHOWN = 3


class PaperActions(_Base):
    # --- which papers -----------------------------------------------------------------

    @property
    def current_paper(self) -> Paper | None:
        index = self.paper_list.paper_index
        if index is None or self.corpus is None:
            return None
        return self.corpus.papers[index]

    def targets(self) -> tuple[list[Paper], str]:
        """The papers a key acts on, and how to name them in a message."""
        if self.corpus is None:
            return [], ""
        if self.selected:
            import numpy as np

            from papertui.search.sorting import rows_array

            # In the order shown on screen; selected papers the filter hides come after.
            rows = rows_array(self.paper_list.rows)
            shown = rows[np.isin(rows, np.fromiter(self.selected, dtype=np.int64, count=len(self.selected)))].tolist()
            hidden = sorted(self.selected.difference(shown))
            papers = [self.corpus.papers[i] for i in shown + hidden]
            return papers, f"{len(papers):,} selected papers" if len(papers) > 1 else "the selected paper"
        paper = self.current_paper
        return ([paper], "the highlighted paper") if paper is not None else ([], "")

    def _no_targets(self) -> bool:
        papers, _ = self.targets()
        if not papers:
            self._say_list_empty()
        return not papers

    def highlighted_or_say(self) -> Paper | None:
        """The highlighted paper, for keys that act on it alone; None (said) when the list is empty."""
        paper = self.current_paper
        if paper is None:
            self._say_list_empty()
        return paper

    def _say_list_empty(self) -> None:
        self.notify("No paper to act on: the list is empty.", severity="warning", markup=False)

    # --- copy and open ----------------------------------------------------------------

    def action_copy(self, kind: LinkKind) -> None:
        if self._no_targets():
            return
        papers, what = self.targets()
        links = [paper_link(paper, kind) for paper in papers]
        via = self._copy("\n".join(link.url for link in links))
        if len(links) == 1:
            self.notify(f"{links[0].url}\n{via}", title=f"Copied {links[0].label}", markup=False)
            return
        shown = "\n".join(link.url for link in links[:LINKS_SHOWN])
        more = f"\n… and {len(links) - LINKS_SHOWN} more" if len(links) > LINKS_SHOWN else ""
        self.notify(f"{shown}{more}\n{via}", title=f"Copied {len(links)} links ({what})", markup=False)

    def _copy(self, text: str) -> str:
        """Copy with pyperclip, else OSC 52; return a line that says which."""
        if copy_with_pyperclip(text):
            return "(system clipboard)"
        self.copy_to_clipboard(text)
        return "(terminal clipboard, OSC 52: if it did not arrive, install xclip, xsel or wl-clipboard)"

    def action_open(self, kind: LinkKind) -> None:
        if self._no_targets():
            return
        papers, what = self.targets()
        if len(papers) > MAX_OPEN:
            self.notify(
                f"{what} would open {len(papers)} browser tabs; papertui opens {MAX_OPEN} at most. "
                "Select fewer, or export their links with e.",
                title="Not opened",
                severity="warning",
                markup=False,
            )
            return
        on_disk = [(paper, local) for paper in papers if kind == "pdf" and (local := self.pdfs.local(paper.arxiv_id))]
        if on_disk:
            self.open_local_pdfs(on_disk)
        opened = {id(paper) for paper, _ in on_disk}
        # Not in papertui's PDF library, but stored in your Zotero library: that file.
        from_zotero = self.zotero_pdfs_of([paper for paper in papers if id(paper) not in opened]) if kind == "pdf" else []
        if from_zotero:
            self.open_zotero_pdfs(from_zotero)
            opened.update(id(paper) for paper in from_zotero)
        for paper in papers:
            if id(paper) not in opened:
                self._open_link(paper, paper_link(paper, kind), kind)

    @work(thread=True, group="open", exit_on_error=False, name="opening the browser", description="open link")
    def _open_link(self, paper: Paper, link: PaperLink, kind: LinkKind) -> None:
        # Browsers can take a moment to start: never on the UI thread.
        outcome = open_in_browser(link.url)
        self.call_from_thread(self._report_open, paper, link, kind, outcome.opened, outcome.how)

    def _report_open(self, paper: Paper, link: PaperLink, kind: LinkKind, opened: bool, how: str) -> None:
        if opened:
            if kind == "pdf":  # an opened PDF counts as read; one that failed to open does not
                self._set_marks([paper], undo_as="Marked read by opening", read=True)
            self.notify(f"{link.url}\nwith {how}", title=f"Opened {link.label}", markup=False)
            return
        via = self._copy(link.url)
        self.notify(
            f"{how}; copied the link instead {via}:\n{link.url}",
            title=f"Could not open the {link.label}",
            severity="warning",
            markup=False,
            timeout=8,
        )

    # --- marks ------------------------------------------------------------------------

    def action_toggle_mark(self, name: str) -> None:
        """Star (or mark read) the targets; when they all are already, undo it."""
        if self._no_targets():
            return
        papers, what = self.targets()
        every = all(getattr(self.marks.get(p), name, False) for p in papers)
        verb = {"starred": ("Starred", "Unstarred"), "read": ("Marked read", "Marked unread")}[name][every]
        # No toast: the list's ★ and ✓ show it, and u undoes it.
        self._set_marks(papers, undo_as=f"{verb} {what}", **{name: not every})

    def action_edit_tags(self) -> None:
        if self._no_targets():
            return
        papers, what = self.targets()
        tag_sets = [set(marks.tags) if (marks := self.marks.get(p)) else set() for p in papers]
        common = set.intersection(*tag_sets)
        own = self.marks.get(papers[0])
        shown = [tag for tag in (own.tags if own else ()) if tag in common]
        known = ", ".join(self.marks.tags()[:12])

        def apply(answer: str | None) -> None:
            if answer is None:
                return
            new = answer.replace(",", " ").split()
            for paper in papers:
                kept = [tag for tag in (self.marks.get(paper) or _EMPTY).tags if tag not in common]
                self._set_marks([paper], tags=kept + new, notify=False)
            self._marks_changed(f"Tags of {what}")

        hint = f"Tags in use: {known}." if known else "Tags are single words: 'to-read', 'survey'."
        self.push_screen(
            TextPrompt(f"Tags of {what} (space-separated)", " ".join(shown), hint, "e.g. to-read survey"), apply
        )

    def action_edit_note(self) -> None:
        paper = self.highlighted_or_say()
        if paper is None:
            return
        marks = self.marks.get(paper)

        def apply(answer: str | None) -> None:
            if answer is not None:
                self._set_marks([paper], undo_as="Note", note=answer)

        self.push_screen(NoteEditor(f"Note on: {paper.title[:60]}", marks.note if marks else ""), apply)

    def action_edit_note_in_editor(self) -> None:
        """The note in $EDITOR (the app steps aside while it runs)."""
        paper = self.highlighted_or_say()
        if paper is None:
            return
        marks = self.marks.get(paper)
        try:
            with self.suspend():
                text = edit_in_editor(marks.note if marks else "")
        except EditorError as error:
            self.notify(str(error), title="Note not edited", severity="warning", markup=False, timeout=8)
            return
        except SuspendNotSupported:
            self.notify("This terminal cannot hand itself to an editor: n edits the note here.", severity="warning", markup=False)
            return
        self._set_marks([paper], undo_as="Note", note=text)

    def _set_marks(self, papers: list[Paper], notify: bool = True, undo_as: str = "Marks", **changes: Any) -> None:
        for paper in papers:
            self.mark_history.before_change(self.marks, paper)
            self.marks.update(paper, **changes)
        if notify:
            self._marks_changed(undo_as)

    def _marks_changed(self, undo_as: str | None = "Marks") -> None:
        if undo_as is not None:
            self.mark_history.close(self.marks, undo_as)
        self.paper_list.refresh_marks()
        self.show_details()
        self.save_marks()
        self.retrain_for_you()  # only when the stars, dismissals or read papers changed
        dismissals = self.marks.dismissed_version  # every search hides the dismissed papers
        if dismissals != self._dismissals_shown or self.sort_order == "starred" or parse_query(self.filter_bar.value).uses_marks:
            self._dismissals_shown = dismissals
            self.refilter()

    _dismissals_shown = 0  # the dismissals the list was last filtered with

    def action_undo(self, redo: bool = False) -> None:
        """Put back the marks as they were before the last change (or make it again)."""
        step = self.mark_history.redo(self.marks) if redo else self.mark_history.undo(self.marks)
        if step is None:
            self.notify(f"Nothing to {'redo' if redo else 'undo'}.", markup=False, timeout=2)
            return
        self._marks_changed(undo_as=None)
        self.notify(f"{'Redone' if redo else 'Undone'}: {step.what}" + ("" if redo else " (U redoes)"), markup=False, timeout=3)

    @work(thread=True, group="save", exit_on_error=False, name="saving marks", description="save marks")
    def save_marks(self) -> None:
        try:
            self.marks.save()
        except StateError as error:
            self.call_from_thread(
                self.notify,
                f"{error}; the marks are kept in memory and saved with the next change",
                title="Marks not saved",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        self.call_from_thread(self.paper_list.refresh_marks)  # another instance's marks, merged

    # --- selection --------------------------------------------------------------------

    def action_toggle_selected(self) -> None:
        index = self.paper_list.paper_index
        if index is None:
            return
        self.selected.symmetric_difference_update({index})
        self._selection_changed()
        self.paper_list.action_cursor_down()

    def action_select_all(self) -> None:
        self.selected.update(self.paper_list.rows)
        self._selection_changed()

    def action_clear_selection(self) -> None:
        self.selected.clear()
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.paper_list.refresh_marks()
        self.show_details()
        self._update_status()

    # --- export and --print -----------------------------------------------------------

    def action_export(self, path: str = "", problem: str = "") -> None:
        if self._no_targets():
            return
        papers, what = self.targets()

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                self._export(papers, what, request)

        self.push_screen(ExportScreen(len(papers), what, self._last_export, path, problem), done)

    _last_export = "bibtex"

    def _export(self, papers: list[Paper], what: str, request: ExportRequest) -> None:
        self._last_export = request.format
        if not request.path:
            text = export(papers, request.format, self.marks.get, self.enricher.citations_of)
            via = self._copy(text)
            self.notify(f"{what} as {request.format} {via}", title="Exported to the clipboard", markup=False)
            return
        path = Path(request.path).expanduser()
        try:
            if request.append:
                existing = _existing_text(path)
                text, skipped = bibtex_to_append(existing, papers, self.enricher.citations_of)
                _refuse_special(path)
                with open(path, "a", encoding="utf-8") as file:
                    file.write(text)
            else:
                skipped = 0
                _refuse_special(path)
                path.write_text(export(papers, request.format, self.marks.get, self.enricher.citations_of), encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            # The dialog comes back with the path as typed, and why it failed.
            self.action_export(request.path, f"Not exported: {path}: {reason}")
            return
        if request.append:
            kept = f"; {skipped:,} already there" if skipped else ""
            self.notify(f"{len(papers) - skipped:,} entries added to {path}{kept}", title="Exported", markup=False)
            return
        self.notify(f"{what} as {request.format} to {path}", title="Exported", markup=False)

    _choose_when_filtered = False

    def action_choose(self) -> None:
        """--print: quit, handing the targets to the command line — once the list shows the
        result of everything typed before Enter (a query and Enter can arrive together)."""
        settled = (
            self.result is not None
            and self.result.query == self.filter_bar.value
            and self._filter_cancel is None
            and self._filter_wanted is None
            and not self.loading
        )
        if not settled:
            self._choose_when_filtered = True
            idle = self._filter_cancel is None and self._filter_wanted is None
            if idle and (self.result is None or self.result.query != self.filter_bar.value):
                self._request_filter(self.filter_bar.value)  # the typing's own filter is not on its way
            return
        papers, _ = self.targets()
        self.exit(papers)

    def choose_if_waiting(self) -> None:
        """A filter ended: if Enter came before it, act now on what it shows."""
        if self._choose_when_filtered:
            self._choose_when_filtered = False
            self.action_choose()


class _NoMarks:
    tags: tuple[str, ...] = ()


_EMPTY = _NoMarks()


BIB_LIMIT = 256 << 20  # a whole reference library is tens of MB; past this it is no .bib to append to


def _existing_text(path: Path) -> str:
    """The .bib appended to, "" when it is not there yet; only a regular file is read (a FIFO
    would block the app until something writes to it, a device would never end), and only up
    to BIB_LIMIT (FileTooLarge, an OSError: the dialog says so)."""
    try:
        return read_regular_text(path, BIB_LIMIT)
    except FileNotFoundError:
        return ""


def _refuse_special(path: Path) -> None:
    """Raise NotRegularFile when `path` is a FIFO, a device or a directory: opening a FIFO to
    write waits for a reader, for ever. A path not there yet is fine: the export creates it."""
    try:
        check_regular(path)
    except FileNotFoundError:
        pass
