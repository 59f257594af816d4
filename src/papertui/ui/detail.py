"""The detail pane: everything known about the highlighted paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Container

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual

from papertui.corpus.model import Paper
from papertui.corpus.text import clean, drawable
from papertui.corpus.versions import version_note
from papertui.pdfs.store import LocalPdf, human_size
from papertui.search import match_spans
from papertui.sources.citations.model import Citations
from papertui.marks.store import Marks
from papertui.ui.keys import PAPER_KEYS
from papertui.ui.virtual_size import set_virtual_size

MATCH_STYLE = "bold underline $text-accent"
SOURCE_KINDS = {
    "hf-daily-page": "Daily Papers page",
    "title-pdf-summary": "Title/PDF/Summary list",
    "abstract-lines": "abstracts",
    "arxiv-atom": "arXiv API",
    "arxiv-rss": "arXiv RSS",
    "arxiv-oai": "arXiv OAI-PMH",
    "papers-json": "papers JSON",
    "json-lines": "JSON lines",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
}
LABEL_WIDTH = 9


def highlighted(text: str, terms: Container[str], style: str = "") -> Content:
    """`text` taken literally (never as markup), matched words styled."""
    text = drawable(text)
    content = Content(text)
    if style:
        content = content.stylize(style)
    for start, end in match_spans(text, terms):
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def _field(label: str, value: Content | str, style: str = "") -> Content:
    value = Content(drawable(value)) if isinstance(value, str) else value
    if style:
        value = value.stylize(style)
    return Content.assemble((f"{label:<{LABEL_WIDTH}}", "$text-muted"), value, "\n")


def _version_fields(paper: Paper, marks: Marks | None) -> list[Content]:
    """The paper's arXiv version, and the one you starred or read when it has moved on."""
    seen = marks.seen_version if marks is not None and (marks.starred or marks.read) else None
    note = version_note(paper.version, seen, "read" if marks is not None and marks.read else "starred")
    if note is None:
        return []
    return [_field("Version", note, "bold $text-warning" if "since" in note else "")]


def _marks_fields(marks: Marks | None, selected: bool) -> list[Content]:
    flags = []
    if selected:
        flags.append(("+ selected", "bold $text-accent"))
    if marks and marks.starred:
        flags.append(("★ starred", "$text-warning"))
    flags.append(("✓ read", "$text-success") if marks and marks.read else ("unread", "$text-muted"))
    if marks and marks.dismissed:
        flags.append(("✗ not interested (x takes it back)", "$text-error"))
    parts = []
    for number, flag in enumerate(flags):
        parts.extend([" · "] if number else [])
        parts.append(flag)
    fields = [_field("Marks", Content.assemble(*parts))]
    if marks and marks.tags:
        fields.append(_field("Tags", " ".join(f"#{tag}" for tag in marks.tags), "$text-secondary"))
    if marks and marks.note:
        fields.append(_field("Note", marks.note, "italic"))
    return fields


AUTHORS_SHOWN = 30


def author_list(authors: tuple[str, ...]) -> str:
    """Every author, or the first 30 and how many more: some papers list hundreds."""
    shown = drawable(", ".join(authors[:AUTHORS_SHOWN]))
    more = len(authors) - AUTHORS_SHOWN
    return f"{shown} … and {more} more" if more > 0 else shown


@dataclass(frozen=True)
class PdfOnDisk:
    """The paper's downloaded PDF, as the detail pane shows it."""

    pdf: LocalPdf
    first_page: tuple[str, ...] = ()


@dataclass(frozen=True)
class WhyForYou:
    """What the detail pane says of a paper's place in the "for you" order."""

    words: tuple[str, ...]
    nearest_starred: str | None


def _pdf_fields(on_disk: PdfOnDisk) -> list[Content]:
    pdf = on_disk.pdf
    version = f" ({pdf.version})" if pdf.version else ""
    if pdf.has_text:
        text, style = "full text searchable with full:", "$text-success"
    elif pdf.no_text:
        text, style = f"no full text: {pdf.no_text}", "$text-warning"
    else:
        text, style = "full text being extracted…", "italic $text-muted"
    return [
        _field("On disk", Content.assemble((f"{human_size(pdf.size)}{version}", "$text-success"), " · ", (text, style))),
        _field("", str(pdf.path)),
    ]


def _why_fields(why: WhyForYou) -> list[Content]:
    reasons = []
    if why.words:
        reasons.append(_field("For you", "its words " + ", ".join(why.words), "$text-accent"))
    if why.nearest_starred:
        reasons.append(_field("" if reasons else "For you", f"like ★ {why.nearest_starred}", "$text-accent"))
    return reasons


def _citation_fields(citations: Citations | None, outside: bool) -> list[Content]:
    """What Semantic Scholar says of the paper, each line only when known. Every value is
    service text: drawn literally (`_field` makes Content of it, never markup)."""
    fields: list[Content] = []
    if outside:
        fields.append(_field("Outside", "not in your papers: shown from Semantic Scholar (A adds it to the library)", "italic $text-warning"))
    if citations is None or not citations.found:
        return fields
    if citations.citation_count is not None:
        cited = f"{citations.citation_count:,}"
        if citations.influential_citation_count is not None:
            cited += f" ({citations.influential_citation_count:,} influential)"
        fields.append(_field("Cited by", cited, "bold $text-warning"))
    if citations.reference_count is not None:
        fields.append(_field("Refs", f"{citations.reference_count:,}"))
    where = citations.venue_or_journal
    year = citations.year or (int(citations.publication_date[:4]) if citations.publication_date else None)
    if where or year:
        fields.append(_field("Venue", ", ".join(str(part) for part in (where, year) if part)))
    if citations.doi:
        fields.append(_field("DOI", citations.doi, "$text-primary"))
    if citations.open_access_pdf:
        fields.append(_field("Open PDF", citations.open_access_pdf, "$text-primary"))
    if citations.fields_of_study:
        fields.append(_field("Fields", ", ".join(citations.fields_of_study)))
    if citations.tldr:
        fields.append(_field("TL;DR", citations.tldr, "italic"))
    return fields


def _reference_fields(paper: Paper, citations: Citations | None) -> list[Content]:
    """Its venue and DOI as its sources give them (when Semantic Scholar's lines do not say
    them already), and the Zotero collections it is in. Text from the user's files and
    Zotero's database: control characters stripped, drawn literally, never as markup."""
    fields: list[Content] = []
    known = citations if citations is not None and citations.found else None
    if paper.venue and not (known and known.venue_or_journal):
        fields.append(_field("Venue", clean(paper.venue)))
    if paper.doi and not (known and known.doi):
        fields.append(_field("DOI", clean(paper.doi), "$text-primary"))
    if paper.in_zotero:
        collections = ", ".join(filter(None, map(clean, paper.collections)))
        fields.append(_field("Zotero", f"in {collections}" if collections else "in your library, in no collection", "$text-error"))
    return fields


def _first_page(on_disk: PdfOnDisk | None) -> list[Content]:
    if on_disk is None or not on_disk.first_page:
        return []
    lines = "\n".join(on_disk.first_page)
    return [Content("\n\n"), Content.styled("First page of the PDF\n", "bold $text-muted"), Content.styled(drawable(lines), "$text-muted")]


def paper_details(
    paper: Paper,
    terms: Container[str] = frozenset(),
    marks: Marks | None = None,
    selected: bool = False,
    on_disk: PdfOnDisk | None = None,
    why: WhyForYou | None = None,
    citations: Citations | None = None,
    outside: bool = False,
    watched: str | None = None,
) -> Content:
    """The detail pane's text for one paper. `why`: its place in the "for you" order;
    `citations`: what Semantic Scholar says of it; `outside`: not in the user's papers (a
    paper met walking the citation graph); `watched`: why it is on the watch list."""
    parts: list[Content] = [highlighted(paper.title, terms, "bold"), Content("\n")]
    if paper.title_derived:
        parts.append(Content.styled("(no title in the source: derived from the abstract)\n", "italic $text-muted"))
    if paper.authors:
        parts.append(Content.styled(author_list(paper.authors) + "\n", "$text-secondary"))
    parts.append(Content("\n"))
    if paper.arxiv_id:
        # The abs and PDF links follow from the id (o, O, y, Y use them): no lines of their own.
        parts.append(_field("arXiv", paper.arxiv_id, "bold $text-success"))
        parts.extend(_version_fields(paper, marks))
        if paper.resolved_from is not None:
            parts.append(_field("", f"found by title search: “{paper.resolved_from}”", "italic $text-muted"))
        if on_disk is not None:
            parts.extend(_pdf_fields(on_disk))
    else:
        parts.append(_field("arXiv", "no id (i finds it)", "$text-muted"))
    if paper.categories:
        parts.append(_field("Category", " ".join(paper.categories)))
    if paper.published:
        parts.append(_field("Date", paper.published))
    if paper.listed:
        parts.append(_field("Listed", paper.listed))
    if paper.upvotes is not None:
        counts = [f"▲ {paper.upvotes}"]
        if paper.comments is not None:
            counts.append(f"{paper.comments} comment{'s' if paper.comments != 1 else ''}")
        parts.append(_field("Upvotes", " · ".join(counts)))
    if paper.github_stars is not None:
        parts.append(_field("GitHub", f"★ {paper.github_stars}"))
    if paper.first_seen:
        parts.append(_field("Seen", paper.first_seen.replace("T", " ")[:16] + " UTC" if "T" in paper.first_seen else paper.first_seen))
    for number, source in enumerate(paper.sources):
        kind = SOURCE_KINDS.get(source.format or "", "")
        parts.append(_field("Source" if number == 0 else "", f"{kind + ': ' if kind else ''}{source.path}, record {source.record}"))
    parts.extend(_citation_fields(citations, outside))
    parts.extend(_reference_fields(paper, citations))
    for number, link in enumerate(paper.links):
        parts.append(_field("Links" if number == 0 else "", link, "$text-primary"))
    parts.extend(_marks_fields(marks, selected))
    if watched:  # the watch list's words or a name from a paper: literal text
        parts.append(_field("Watched", f"◉ {watched}", "bold $text-primary"))
    if why is not None:
        parts.extend(_why_fields(why))
    parts.append(Content("\n"))
    parts.append(highlighted(paper.abstract or "(no abstract in the source)", terms))
    parts.extend(_first_page(on_disk))
    return Content("").join(parts)


class DetailPane(ScrollView, can_focus=True):
    """Shows `paper`, with the words in `terms` highlighted.

    A Line-API view, as the list is: the details are wrapped once per change and only the
    visible lines are drawn. A child widget that grew or shrank with each paper would cost
    a second layout pass, and a redraw of the whole screen, on every keystroke.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "app.focus_list", "Back to list", id="detail.back"),
        *PAPER_KEYS,
    ]

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
        overflow-x: hidden;
    }
    """

    paper: reactive[Paper | None] = reactive(None, init=False)
    terms: reactive[Container[str]] = reactive(frozenset(), init=False)
    marks: reactive[Marks | None] = reactive(None, init=False)
    selected: reactive[bool] = reactive(False, init=False)
    on_disk: reactive[PdfOnDisk | None] = reactive(None, init=False)
    why: reactive[WhyForYou | None] = reactive(None, init=False)  # when sorted "for you"
    citations: reactive[Citations | None] = reactive(None, init=False)  # Semantic Scholar's counts, TL;DR…
    outside: reactive[bool] = reactive(False, init=False)  # a paper met walking the citation graph
    watched: reactive[str | None] = reactive(None, init=False)  # why it is on the watch list

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._content = Content.styled("Loading papers…", "italic $text-muted")
        self._lines: list[Strip] | None = None  # the content wrapped to `_lines_width`
        self._lines_width = -1

    def watch_paper(self, old: Paper | None, new: Paper | None) -> None:
        self._update()
        if old is not new:
            self.scroll_home(animate=False, immediate=True)

    def watch_terms(self) -> None:
        self._update()

    def watch_marks(self) -> None:
        self._update()

    def watch_selected(self) -> None:
        self._update()

    def watch_on_disk(self) -> None:
        self._update()

    def watch_why(self) -> None:
        self._update()

    def watch_citations(self) -> None:
        self._update()

    def watch_outside(self) -> None:
        self._update()

    def watch_watched(self) -> None:
        self._update()

    def show(
        self, paper: Paper | None, terms: Container[str], marks: Marks | None, selected: bool,
        on_disk: PdfOnDisk | None, why: WhyForYou | None,
        citations: Citations | None = None, outside: bool = False, watched: str | None = None,
    ) -> None:  # fmt: skip
        """Set every attribute at once: one update, none when nothing changed (a keystroke
        that keeps the same paper highlighted with the same words costs no redraw)."""
        moved = paper is not self.paper
        wanted = (paper, terms, marks, selected, on_disk, why, citations, outside, watched)
        if not moved and wanted == (self.paper, self.terms, self.marks, self.selected, self.on_disk, self.why, self.citations, self.outside, self.watched):
            return
        for name, value in zip(("paper", "terms", "marks", "selected", "on_disk", "why", "citations", "outside", "watched"), wanted):
            self.set_reactive(getattr(DetailPane, name), value)
        self._update()
        if moved:
            self.scroll_home(animate=False, immediate=True)

    def refresh_paper(self) -> None:
        """The paper itself changed (an id was found): draw it again."""
        self._update()

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (before wrapping)."""
        return self._content.plain

    def _update(self) -> None:
        if self.paper is None:
            self._content = Content.styled("No paper selected", "italic $text-muted")
        else:
            self._content = paper_details(
                self.paper, self.terms, self.marks, self.selected, self.on_disk, self.why, self.citations, self.outside, self.watched
            )
        self._lines = None
        self._fit()
        self.refresh()

    def _wrapped(self) -> list[Strip]:
        width = self.scrollable_content_region.width
        if self._lines is None or width != self._lines_width:
            self._lines_width = width
            self._lines = Visual.to_strips(self, self._content, width, None, self.visual_style, apply_selection=False) if width > 0 else []
        return self._lines

    def _fit(self) -> None:
        """The scrollable height for the wrapped details (re-wrapped if the width changed)."""
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(self._wrapped())))

    def on_resize(self) -> None:
        self._fit()

    def render_line(self, y: int) -> Strip:
        lines = self._wrapped()
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.visual_style.rich_style
        if row < len(lines):
            return lines[row].extend_cell_length(width, style).crop(0, width)
        return Strip.blank(width, style)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(strip.text.rstrip() for strip in self._wrapped())), "\n"
