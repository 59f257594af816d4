"""The inbox's keys in the app: `x` (not interested: the papers leave every view, `u` brings
them back) and `w` (watch one of the paper's authors), and what the status line says of them:
how many matching papers are hidden as dismissed, how many new papers are watched.

A small class the app holds (`app.inbox_keys`), not a mixin: the app's actions call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from papertui.corpus.model import Paper
from papertui.search.query import parse_query
from papertui.ui.daemon import in_daemon_thread
from papertui.ui.watch_picker import Toggled, WatchPicker

if TYPE_CHECKING:
    from papertui.marks.watch import WatchList
    from papertui.ui.app import PaperApp


class InboxKeys:
    def __init__(self, app: PaperApp) -> None:
        self.app = app
        self.new_watched: int | None = None  # new papers (is:new) that are watched; None: not counted yet
        self._counted_for: tuple | None = None
        self._problems_said = False

    # --- x: not interested ----------------------------------------------------------

    def dismiss(self) -> None:
        """x: dismiss the targets; when they all are dismissed already (in `is:dismissed`), take
        the dismissal back. Either way one step that `u` undoes."""
        app = self.app
        if app._no_targets():
            return
        papers, what = app.targets()
        every = all(getattr(app.marks.get(paper), "dismissed", False) for paper in papers)
        if app.selected:
            app.selected.clear()  # the selection leaves the list (or is taken back): nothing stays chosen
        count = f"{len(papers):,} paper{'s' if len(papers) != 1 else ''}"
        if every:
            app._set_marks(papers, undo_as=f"Taken back the dismissal of {what}", dismissed=False)
            app.notify(f"{count} back in every view — u to undo", title="Not interested, taken back", markup=False, timeout=4)
        else:
            app._set_marks(papers, undo_as=f"Dismissed {what}", dismissed=True)
            app.notify(f"Dismissed {count}: hidden from every view — u to undo, is:dismissed lists them", title="Not interested", markup=False, timeout=4)

    # --- w: watch an author ---------------------------------------------------------

    def watch(self) -> None:
        """w: the highlighted paper's authors, to watch or stop watching one."""
        app = self.app
        paper = app.highlighted_or_say()
        if paper is None:
            return
        if not paper.authors:
            app.notify("This paper names no authors: nobody to watch ([watch] words = [...] in the config watches words).", severity="warning", markup=False)
            return
        app.push_screen(WatchPicker(paper.title, paper.authors, self.is_watched, self.toggle))

    def is_watched(self, author: str) -> bool:
        from papertui.marks.watch import same_author

        return any(same_author(watched, author) for watched in self.app.personal.watch.authors)

    def toggle(self, author: str) -> Toggled:
        """Watch `author`, or stop watching every name on the list that names them."""
        from papertui.marks.watch import WatchError, WatchList, same_author, unwatch_author, watch_author

        app = self.app
        before = app.personal.watch
        shown = " ".join(author.split())
        try:
            if self.is_watched(author):
                for name in [watched for watched in before.authors if same_author(watched, author)]:
                    unwatch_author(name)
            else:
                watch_author(author)
        except WatchError as error:
            return Toggled(self.is_watched(author), f"Not changed: {error}")
        app.personal.watch = WatchList.load()
        self.watch_changed()
        if self.is_watched(author):
            if any(same_author(name, author) for name in before.authors):
                return Toggled(True, f"{shown} is watched in the config file's [watch] authors: take the name out there to stop.")
            return Toggled(True, f"Watching {shown}: their papers are highlighted (is:watched finds them).")
        return Toggled(False, f"No longer watching {shown}.")

    def watch_changed(self) -> None:
        """The watch list changed: the highlight, the detail pane, the counts and `is:watched`."""
        app = self.app
        app.paper_list.refresh_marks()
        app.show_details()
        self.count_new_watched()
        app.inbox.refresh_counts()  # a saved search may ask is:watched
        if parse_query(app.filter_bar.value).uses_marks:
            app.refilter()

    # --- the highlight, the detail pane and the status line -------------------------

    def watched(self, paper: Paper) -> bool:
        """Is `paper` on the watch list (the list's highlight)? A check of its authors and
        words: the list draws only the rows on screen."""
        return self.reason(paper) is not None

    def reason(self, paper: Paper | None) -> str | None:
        """Why the paper is watched, for the detail pane."""
        if paper is None:
            return None
        watch = self.app.personal.watch
        return None if watch.empty else watch.reason(paper)

    def status_parts(self) -> list[str | tuple[str, str]]:
        """ "12 hidden as dismissed", "3 new watched", for the status line."""
        app = self.app
        parts: list[str | tuple[str, str]] = []
        hidden = getattr(app.result, "hidden", 0)
        if hidden:
            parts += ["  ·  ", (f"{hidden:,} hidden as dismissed", "$text-muted")]
        if self.new_watched and not app.loading:
            parts += ["  ·  ", (f"{self.new_watched:,} new watched", "bold $text-primary")]
        return parts

    def count_new_watched(self) -> None:
        """Count the new papers that are watched, in a daemon thread (the watch list's check
        runs over every paper: 100k take a while), once per corpus and watch list."""
        app = self.app
        if app.corpus is None or app.loading or app.walk.depth:
            return
        watch = app.personal.watch
        papers = app.corpus.papers
        key = (id(papers), len(papers), id(watch), app.marks.new_since)
        if key == self._counted_for:
            return
        self._counted_for = key
        self._say_problems(watch)
        if watch.empty:
            self.new_watched = 0
            app._update_status()
            return
        app.run_worker(
            self._count(watch, papers, app.marks.new_since, key), group="new-watched", exclusive=True, exit_on_error=False,
            name="counting new watched papers", description="new watched",
        )  # fmt: skip

    async def _count(self, watch: WatchList, papers: Sequence[Paper], since: str | None, key: tuple) -> None:
        import numpy as np

        from papertui.corpus.stored import seen_after_mask
        from papertui.marks.watch import watched_among

        def count() -> int:
            return len(watched_among(watch, papers, np.flatnonzero(seen_after_mask(papers, since))))

        counted = await in_daemon_thread(count, name="papertui-new-watched")
        if key == self._counted_for:
            self.new_watched = counted
            self.app._update_status()

    def _say_problems(self, watch: WatchList) -> None:
        if watch.problems and not self._problems_said:
            self._problems_said = True
            for problem in watch.problems:
                self.app.notify(problem, title="Watch list", severity="warning", markup=False, timeout=10)
