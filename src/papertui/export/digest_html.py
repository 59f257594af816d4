"""The digest as one self-contained HTML file for a mail client: inline `style=` only (mail
clients drop <style> and never fetch stylesheets), no script, no image, no font, nothing
fetched; one column of at most 640 pixels, no tables. Every text is escaped."""

from __future__ import annotations

from html import escape

from papertui.corpus.text import clean
from papertui.digest.model import Digest, Entry, heading, more_line, nothing_new, shortened_authors
from papertui.links import paper_link

FONT = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
BODY = f"max-width:640px;margin:0 auto;padding:16px;font-family:{FONT};font-size:15px;line-height:1.45;color:#1a1a1a;background:#ffffff"
TITLE = "font-size:21px;margin:0 0 4px 0"
UNDER = "color:#555555;margin:0 0 8px 0"
SECTION = "font-size:17px;margin:24px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #dddddd"
PAPER = "margin:0 0 14px 0"
LINK = "color:#1a4fa0;font-weight:600;text-decoration:none"
AUTHORS = "color:#555555;font-size:13px"
WHY = "color:#333333;font-size:13px;font-style:italic"
NOTE = "color:#777777;font-size:13px;margin:0 0 8px 0"


def h(text: str) -> str:
    """Untrusted text as HTML: one line, no control characters, every <, >, & and quote escaped."""
    return escape(clean(text), quote=True)


def digest_html(digest: Digest) -> str:
    if digest.empty:
        title, body = "Nothing new", f'<p style="{UNDER}">{h(nothing_new(digest))}</p>'
    else:
        title, under = heading(digest)
        parts = [f'<h1 style="{TITLE}">{h(title)}</h1>', f'<p style="{UNDER}">{h(under)}</p>']
        for section in digest.sections:
            parts.append(f'<h2 style="{SECTION}">{h(section.name)}</h2>')
            parts += [entry_html(entry) for entry in section.entries]
            parts += [f'<p style="{NOTE}">{h(extra)}</p>' for extra in (more_line(section), section.note) if extra]
        body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n</head>\n"
        f'<body style="margin:0;padding:0;background:#ffffff">\n<div style="{BODY}">\n{body}\n</div>\n</body>\n</html>\n'
    )


def entry_html(entry: Entry) -> str:
    paper = entry.paper
    link = escape(paper_link(paper, "abs").url, quote=True)  # built from a checked id, or an arXiv search
    authors = shortened_authors(paper.authors)
    lines = [f'<a href="{link}" style="{LINK}">{h(paper.title)}</a>']
    if authors:
        lines.append(f'<span style="{AUTHORS}">{h(authors)}</span>')
    lines.append(f'<span style="{WHY}">{h(entry.why)}</span>')
    return f'<div style="{PAPER}">' + "<br>\n".join(lines) + "</div>"
