"""Keys that act on the highlighted paper (or on the selected papers, when there are any),
shared by the list and the detail pane."""

from __future__ import annotations

from textual.binding import Binding, BindingType

PAPER_KEYS: list[BindingType] = [
    Binding("o", "app.open('pdf')", "Open PDF", tooltip="Open the PDF: the downloaded file in your viewer, else in the browser (marks it read)", id="paper.open_pdf"),
    Binding("d", "app.download", "Download", show=False, tooltip="Download the PDF into the library (again: stop)", id="paper.download"),
    Binding("m", "app.more_like_this", "More like this", show=False, tooltip="Papers like this one (or the selected ones): filter by like:", id="paper.more_like_this"),
    Binding("l", "app.links", "Links", show=False, tooltip="The paper's links (code, project pages): open or copy one", id="paper.links"),
    Binding("O", "app.open('abs')", "Open abs", show=False, tooltip="Open the arXiv abstract page", id="paper.open_abs"),
    Binding("y", "app.copy('abs')", "Copy link", tooltip="Copy the arXiv abs link", id="paper.copy_abs"),
    Binding("Y", "app.copy('pdf')", "Copy PDF link", show=False, tooltip="Copy the PDF link", id="paper.copy_pdf"),
    Binding("s", "app.toggle_mark('starred')", "Star", tooltip="Star or unstar", id="paper.star"),
    Binding("r", "app.toggle_mark('read')", "Read", show=False, tooltip="Mark read or unread", id="paper.read"),
    Binding("x", "app.not_interested", "Not interested", show=False, tooltip="Not interested: the selected (or highlighted) papers leave every view, and for you learns against them; u undoes, is:dismissed lists them, x there takes it back", id="paper.dismiss"),
    Binding("w", "app.watch_authors", "Watch", show=False, tooltip="Watch an author of the paper: a list of its authors (even one), Enter watches or stops watching, Esc closes; watched papers are marked ◉", id="paper.watch"),
    Binding("u", "app.undo", "Undo", tooltip="Undo the last change of marks (star, read, tags, note)", id="paper.undo"),
    Binding("U", "app.undo(True)", "Redo", show=False, tooltip="Redo the last undone change of marks", id="paper.redo"),
    Binding("t", "app.edit_tags", "Tags", show=False, tooltip="Edit tags", id="paper.tags"),
    Binding("n", "app.edit_note", "Note", show=False, tooltip="Write a note on the highlighted paper (several lines; Ctrl+S saves)", id="paper.note"),
    Binding("N", "app.edit_note_in_editor", "Note in $EDITOR", show=False, tooltip="Write the note in $EDITOR", id="paper.note_editor"),
    Binding("i", "app.resolve_ids", "Find id", show=False, tooltip="Find the arXiv id by title search (arXiv API); again to stop", id="paper.resolve"),
    Binding("F", "app.fetch", "Fetch", show=False, tooltip="Fetch new papers from the config file's sources (again: stop)", id="paper.fetch"),
    Binding("C", "app.walk('citations')", "Cited by", show=False, tooltip="The papers that cite this one (Semantic Scholar), most cited first; Backspace comes back", id="paper.cited_by"),
    Binding("R", "app.walk('references')", "References", show=False, tooltip="The papers this one cites (Semantic Scholar), most cited first; Backspace comes back", id="paper.references"),
    Binding("backspace", "app.walk_back", "Back", tooltip="Back one step of the citation walk (C, R), to the same paper and filter", id="paper.walk_back"),
    Binding("A", "app.add_to_library", "Add to library", show=False, tooltip="Add a paper met walking the citation graph to the library (it then loads with your papers)", id="paper.add_to_library"),
    Binding("E", "app.enrich", "Citations", show=False, tooltip="Ask Semantic Scholar for the citations, TL;DR and venue of the selected papers (or every paper in the list)", id="paper.enrich"),
    Binding("z", "app.send_to_zotero", "Zotero", show=False, tooltip="Send the selected papers (or the highlighted one) to the collection selected in Zotero, with their PDFs (again: stop)", id="paper.send_to_zotero"),
    Binding("e", "app.export", "Export", tooltip="Export as BibTeX, Markdown, JSON or links, to the clipboard or a file", id="paper.export"),
    Binding("p", "app.toggle_detail", "Details", show=False, tooltip="Show or hide the detail pane (the list takes the width)", id="paper.toggle_detail"),
    Binding("less_than_sign", "app.resize_detail(4)", "Wider details", show=False, key_display="<", tooltip="Widen the detail pane", id="paper.wider_detail"),
    Binding("greater_than_sign", "app.resize_detail(-4)", "Narrower details", show=False, key_display=">", tooltip="Narrow the detail pane", id="paper.narrower_detail"),
    Binding("slash", "app.focus_filter", "Filter", show=False, tooltip="Back to the filter bar", id="paper.filter"),
    Binding("question_mark", "app.help", "Help", key_display="?", show=False, id="paper.help"),
    Binding("q", "app.quit", "Quit", show=False, id="paper.quit"),
]
