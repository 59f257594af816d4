"""Undo and redo for marks: every change of marks — one paper or a bulk change on a selection —
is one step, kept as each paper's marks before and after, so that `u` puts them back and redo
applies them again. No Textual here: the app records and replays, the store writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from papertui.corpus.model import Paper
from papertui.marks.store import Marks, MarkStore

STEPS_KEPT = 100

_NO_MARKS = {"starred": False, "read": False, "tags": (), "note": "", "seen_version": None, "dismissed": False}


def _fields(marks: Marks | None) -> dict:
    if marks is None:
        return dict(_NO_MARKS)
    # The version a paper was starred or read at comes back with the marks (`is:updated`).
    return {
        "starred": marks.starred, "read": marks.read, "tags": tuple(marks.tags), "note": marks.note,
        "seen_version": marks.seen_version, "dismissed": marks.dismissed,
    }  # fmt: skip


@dataclass
class Step:
    what: str  # "Starred 3 selected papers"
    papers: list[Paper] = field(default_factory=list)
    before: list[dict] = field(default_factory=list)
    after: list[dict] = field(default_factory=list)


class MarkHistory:
    def __init__(self) -> None:
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self._open: Step | None = None

    def before_change(self, marks: MarkStore, paper: Paper) -> None:
        """Called before a paper's marks change: its old marks join the step being made."""
        if self._open is None:
            self._open = Step("")
        if not any(paper is seen for seen in self._open.papers):
            self._open.papers.append(paper)
            self._open.before.append(_fields(marks.get(paper)))

    def close(self, marks: MarkStore, what: str) -> None:
        """The change is complete: it becomes one step (a change that changed nothing is none)."""
        step, self._open = self._open, None
        if step is None:
            return
        step.what = what
        step.after = [_fields(marks.get(paper)) for paper in step.papers]
        if step.after == step.before:
            return
        self.done.append(step)
        del self.done[:-STEPS_KEPT]
        self.undone.clear()

    def undo(self, marks: MarkStore) -> Step | None:
        return self._replay(self.done, self.undone, marks, undoing=True)

    def redo(self, marks: MarkStore) -> Step | None:
        return self._replay(self.undone, self.done, marks, undoing=False)

    def _replay(self, source: list[Step], target: list[Step], marks: MarkStore, undoing: bool) -> Step | None:
        """The newest step of `source`, its marks put back as before (or again as after)."""
        if not source:
            return None
        step = source.pop()
        for paper, fields in zip(step.papers, step.before if undoing else step.after):
            marks.update(paper, **fields)
        target.append(step)
        return step
