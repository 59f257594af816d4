"""The help screen: every key binding, grouped by where it works, taken from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar, Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_WIDTH = 22

LEGEND = (
    ("+", "selected: the paper keys act on every selected paper (space selects)"),
    ("●", "the paper has an arXiv id (open and copy use it)"),
    ("✦", "new: fetched since papertui was last started (is:new finds them)"),
    ("★", "starred (s)"),
    ("✓", "read (r, or opening the PDF); the title is dimmed"),
    ("⤓", "its PDF is in the library (d downloads, o opens it; is:downloaded finds them)"),
    ("#tag ✎", "its tags (t) and a note (n)"),
    ("↑v3", "a newer arXiv version than the one you starred or read (is:updated finds them; reading it catches up)"),
    ("◉", "watched: by an author you watch (w) or with a word of [watch] in the config; the title is in the watched colour, the detail pane says why (is:watched finds them)"),
    ("~", "no title in the source: derived from the abstract"),
    ("137k", "how many papers cite it, from Semantic Scholar (asked for papers you star, open or rest on; E asks for the list)"),
)
INBOX_NOTE = (
    "Inbox: x says \"not interested\": the papers leave every view (the status line counts those a "
    "filter hides), for you learns against them, and u brings them back; is:dismissed lists them, and x "
    "there takes the dismissal back. w lists the highlighted paper's authors, even when there is only "
    "one, so that you see whom it watches: Enter watches or stops watching the author under the cursor "
    "(the dialog stays open for the others), Esc closes. The palette's saved searches say how many new "
    "papers each has since you last opened it."
)
CITATIONS_NOTE = (
    "Citations: C lists the papers that cite the highlighted one, R those it cites (most cited first, "
    "from Semantic Scholar); filter, sort, star and export there as here. A breadcrumb shows the path; "
    "Backspace (or Esc in the list) goes back a step, to the same paper and filter. Papers from outside "
    "yours are marked in the detail pane, and A adds one to the library."
)
QUERY_HELP = (
    ("graph neural", "every word must match the title or abstract; typos forgiven (one in words of 5–8 letters, two in longer ones), partial words matched as you type; title matches rank first"),
    ("a | b", "either (| binds tighter than a space: x a | b = x and (a or b))"),
    ("!word", "without: the paper does not contain it (a substring, as in fzf)"),
    ("'word  \"a phrase\"", "an exact substring; case-insensitive unless it holds a capital"),
    ("^start  end$", "the title starts / ends with it (^whole title$)"),
    ("title: t: abs:", "the term only in the title / the abstract: t:diffusion, abs:'GSM8K"),
    ("id: source: date:", "in the arXiv id / a source file name / the date: id:2406, source:daily, date:mar"),
    ("au: author: cat:", "an author's name, accents optional: au:balazs; an arXiv category or its prefix: cat:cs.CL, cat:hep"),
    ("date:>=2024-03", "compare dates with > >= < <= (YYYY, YYYY-MM or YYYY-MM-DD); upvotes:>=10 likewise"),
    ("citations:>=100", "compare Semantic Scholar's citation counts (> >= < <= or a number); influential:>=10 its influential ones; venue:neurips part of the venue or journal; has:tldr (papers never asked about match none: E asks)"),
    ("is: tag: has:", "is:starred, is:read, is:unread, is:new (fetched since the last start), is:downloaded (the PDF is in the library), is:updated (a newer version since you starred or read it), is:watched (by a watched author or with a watched word), is:dismissed (the papers x hid: every other query leaves them out), tag:to-read, has:id, has:code (links to code)"),
    ("like:ID  like:\"title\"", "papers like these (m on a paper), most alike first; ids and quoted titles, comma-separated"),
    ("for:TAG", "ranked as \"for you\", learned from the papers with that tag instead of the stars"),
    ("~\"some text\"", "papers about it, by meaning as well as words, best first; mixed with words it ranks within them"),
    ("full: text:", "in the text of the downloaded PDF (else the PDF Zotero stored): full:ablation (each word), full:\"chain of thought\" (the phrase)"),
    ("in:zotero collection:", "also in your Zotero library (Z in the list); in a Zotero collection, at any depth or by its path: collection:thesis, collection:\"thesis/related\""),
)
QUERY_NOTE = (
    "A query that cannot be read as written (an unbalanced quote, a lone ! or |) is read "
    "literally, and the status line says how. An empty filter shows every paper in corpus order. "
    "Ctrl+S cycles the order: relevance, corpus order, title, date, upvotes, starred first, newest first, "
    "for you, citations, velocity (citations a year since publication)."
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
            width: 96;
            max-width: 100%;
            height: 90%;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & .help-title { color: $text-primary; text-style: bold; margin-top: 1; }
        & .help-row { height: auto; }
        & .help-key { width: 24; padding-left: 2; text-style: bold; }
        & .help-text { width: 1fr; }
        & .help-note { margin-top: 1; padding-left: 2; }
    }
    """

    def __init__(self, groups: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(title, [(keys or example, meaning)]) for every part of the help."""
        found = [(title, binding_rows(self.app.get_key_display, bindings)) for title, bindings in self.groups]
        found.append(("In the list", list(LEGEND)))
        found.append(("Filtering (the query language)", list(QUERY_HELP)))
        return found

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "papertui keys  (Esc closes)"
            # Two columns of widgets, so long meanings wrap under their own column.
            for title, rows in self.sections():
                yield Static(Content(title), classes="help-title")
                for key, meaning in rows:
                    with Horizontal(classes="help-row"):
                        yield Static(Content(key), classes="help-key")
                        yield Static(Content(meaning), classes="help-text")
            yield Static(Content(QUERY_NOTE), classes="help-note")
            yield Static(Content(CITATIONS_NOTE), classes="help-note")
            yield Static(Content(INBOX_NOTE), classes="help-note")

    def help_text(self) -> Content:
        """The whole help as one text (for searching it)."""
        lines = []
        for title, rows in self.sections():
            lines.append(f"\n{title}")
            lines.extend(f"  {key:<{KEY_WIDTH}}{meaning}" for key, meaning in rows)
        lines.append(f"\n{QUERY_NOTE}")
        lines.append(f"\n{CITATIONS_NOTE}")
        lines.append(f"\n{INBOX_NOTE}")
        return Content("\n".join(lines))
