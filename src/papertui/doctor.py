"""`papertui doctor`: what papertui would use here, and why — the first thing to run when
something does not work. Only looks: it copies, opens, moves and writes nothing (a probe
file in the data directory is removed at once)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from papertui import __version__
from papertui.corpus import iter_load
from papertui.corpus.text import printable
from papertui.corpus.loader import DisplayRoot
from papertui.links import choose_browser, choose_clipboard, has_display
from papertui.resolve import API_VARIABLE, CACHE_FILE, DEFAULT_API
from papertui.sources import arxiv, hf, oai
from papertui.sources.config import CONFIG_VARIABLE, config_path, fetch_plan, read_config
from papertui.sources.library import Library, last_opening, library_dir
from papertui.storage.regular_files import open_regular, read_regular_bytes
from papertui.marks.store import STATE_FILE
from papertui.storage.files import DATA_DIR_VARIABLE, data_dir

WARNINGS_SHOWN = 10
SUMMARY_LIMIT = 256 << 20  # the marks' and the resolver's own limits


def report(
    paths: Sequence[Path], display_root: DisplayRoot, environ: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The doctor's lines, section by section."""
    environ = os.environ if environ is None else environ
    yield f"papertui {__version__} · Python {sys.version.split()[0]} · {_textual_version()} · {sys.platform}"
    yield from _section("Clipboard", _clipboard())
    yield from _section("Browser", _browser(environ))
    yield from _section("Data directory", _data_directory(environ))
    yield from _section("Fetching", _fetching(environ))
    yield from _section("PDFs", _pdfs(environ))
    yield from _section("Terminal", _terminal(environ))
    yield from _section("Corpus", _corpus(paths, display_root))


def _section(title: str, rows: list[tuple[str, str]]) -> Iterator[str]:
    yield ""
    yield title
    for label, value in rows:
        yield f"  {label:<11} {printable(value)}"


def _textual_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"Textual {version('textual')}"
    except PackageNotFoundError:  # pragma: no cover - textual is a dependency
        return "Textual (not installed)"


def _clipboard() -> list[tuple[str, str]]:
    choice = choose_clipboard()
    uses = f"pyperclip ({choice.backend})" if choice.backend else "OSC 52 (the terminal's clipboard)"
    return [("copies with", uses), ("why", choice.how), ("always", "the link is shown in a notification too")]


def _browser(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    choice = choose_browser(environ)
    rows = [("opens with", choice.how if choice.usable else "nothing: links are copied instead")]
    if not choice.usable:
        rows.append(("why", choice.how))
    rows.append(("$BROWSER", environ.get("BROWSER") or "(not set)"))
    shown = "yes" if has_display(environ) else "no (no DISPLAY or WAYLAND_DISPLAY, or over SSH)"
    return rows + [("display", shown)]


def _data_directory(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    directory = data_dir()
    source = f"from ${DATA_DIR_VARIABLE}" if environ.get(DATA_DIR_VARIABLE) else "the platform's user data directory"
    rows = [("path", f"{directory} ({source})"), ("writable", _writable(directory))]
    rows.append(("marks", _json_file_summary(directory / STATE_FILE, "papers", "marked paper")))
    rows.append(("found ids", _json_file_summary(directory / CACHE_FILE, "titles", "remembered title search")))
    files = Library().files()
    papers = sum(_line_count(path) for path in files)
    rows.append(("library", f"{library_dir()}: {len(files):,} files, {papers:,} papers fetched" if files else f"{library_dir()}: nothing fetched yet ('papertui fetch')"))
    opened = last_opening()
    rows.append(("is:new", f"papers first seen after {opened} (the app's last start)" if opened else "every fetched paper (the app has not started yet)"))
    from papertui.cache import CACHE_DIR_VARIABLE, cache_contents, cache_dir, cache_summary

    where = f"from ${CACHE_DIR_VARIABLE}" if environ.get(CACHE_DIR_VARIABLE) else "the platform's user cache directory"
    kept = cache_contents()
    if kept.problem:  # a FIFO or a file where the directory should be: not "0 kept loads"
        rows.append(("cache", f"{kept.problem}: nothing is kept (point ${CACHE_DIR_VARIABLE} at a directory)"))
    else:
        left = f"; {kept.left()}" if kept.left() else ""
        rows.append(("cache", f"{cache_dir()} ({where}): {cache_summary(kept.count, kept.size)}{left} (papertui cache --clear empties it)"))
    return rows


def _pdfs(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    from papertui.pdfs.store import PDF_BASE_VARIABLE, PdfStore, download_url, human_size
    from papertui.pdfs.viewer import VIEWER_VARIABLE, choose_viewer

    store = PdfStore()
    found = store.downloaded()
    size = sum(pdf.size for pdf in found.values())
    texts = sum(pdf.has_text for pdf in found.values())
    rows = [("library", f"{store.root}: {len(found):,} PDF{'s' if len(found) != 1 else ''}, {human_size(size)}, {texts:,} with full text" if found else f"{store.root}: none yet (d in the app, or 'papertui download ID')")]
    viewer = choose_viewer(environ)
    rows.append(("opens with", viewer.how if viewer.command else f"nothing: the path is shown and copied ({viewer.how})"))
    rows.append(("viewer", f"${VIEWER_VARIABLE} = {environ.get(VIEWER_VARIABLE)}" if environ.get(VIEWER_VARIABLE) else f"${VIEWER_VARIABLE} not set"))
    rows.append(("downloads", f"{download_url('ID')} (${PDF_BASE_VARIABLE}), one request every 3 s"))
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        rows.append(("full text", "pypdfium2 is not installed: no full: searches (pip install pypdfium2)"))
    else:
        rows.append(("full text", "extracted with pypdfium2 (pdfium)"))
    return rows


def _fetching(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    path = config_path()
    source = f"from ${CONFIG_VARIABLE}" if environ.get(CONFIG_VARIABLE) else "the platform's config directory"
    config, problem = read_config(path)
    plan = fetch_plan(config)
    if problem:
        sources = problem
    elif not path.exists():
        sources = "no config file: 'papertui fetch' needs a source named (hf, arxiv, oai)"
    elif plan.empty:
        sources = "none listed (hf = true, arxiv = [\"cs.CL\"], oai = \"cs\")"
    else:
        sources = ", ".join(
            [f"Hugging Face, {plan.hf_days} days"] * bool(plan.hf_days)
            + [f"arXiv RSS {'+'.join(plan.arxiv)}"] * bool(plan.arxiv)
            + [f"OAI-PMH set {s}" for s in plan.oai]
        )
    rows = [("config", f"{path} ({source})"), ("sources", sources)]
    rows += [("ignored", line) for line in plan.problems]
    for variable, default in ((hf.BASE_VARIABLE, hf.DEFAULT_BASE), (API_VARIABLE, DEFAULT_API), (arxiv.RSS_VARIABLE, arxiv.DEFAULT_RSS), (oai.BASE_VARIABLE, oai.DEFAULT_BASE)):
        rows.append((variable.removeprefix("PAPERTUI_").lower().replace("_", " "), environ.get(variable) or default))
    return rows


def _line_count(path: Path) -> int:
    try:
        with open_regular(path) as file:  # a FIFO named *.jsonl in the library: refused, not waited on
            return sum(1 for _ in file)
    except OSError:
        return 0


def _writable(directory: Path) -> str:
    """Whether a file can be written there, tried with a small probe (removed at once)."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing != directory:
        if os.access(existing, os.W_OK):
            return f"not created yet; {existing} is writable, so it will be at the first mark"
        return f"NO: it does not exist and {existing} is not writable"
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-") as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return f"NO: {error.strerror or error} (marks would stay in memory only)"
    return "yes"


def _json_file_summary(path: Path, key: str, what: str) -> str:
    try:
        data = json.loads(read_regular_bytes(path, SUMMARY_LIMIT))
        count = len(data[key])
    except FileNotFoundError:
        return "none yet"
    except OSError as error:
        return f"cannot read {path.name}: {error.strerror or error}"
    except (ValueError, TypeError, KeyError, RecursionError):
        return f"{path.name} is DAMAGED: it will be moved aside and started afresh at the next start"
    return f"{count:,} {what}{'' if count == 1 else 'es' if what.endswith('h') else 's'} ({path.name}, {path.stat().st_size:,} bytes)"


def _terminal(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    size = _terminal_size()
    rows = [("size", f"{size[0]}×{size[1]}" if size else "no terminal here (the browser needs one; `list` does not)")]
    if size and size[0] < 64:
        rows.append(("layout", "narrow: the list and the detail pane take turns (Enter / Esc)"))
    rows.append(("colour", _colours(environ)))
    rows.append(("TERM", environ.get("TERM") or "(not set)"))
    where = [name for name, variable in (("tmux", "TMUX"), ("screen", "STY"), ("SSH", "SSH_CONNECTION")) if environ.get(variable)]
    if where:
        rows.append(("inside", ", ".join(where)))
    return rows


def _terminal_size() -> tuple[int, int] | None:
    for fd in (1, 2, 0):
        try:
            size = os.get_terminal_size(fd)
            return size.columns, size.lines
        except OSError:
            continue
    try:
        fd = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return None
    try:
        size = os.get_terminal_size(fd)
        return size.columns, size.lines
    except OSError:
        return None
    finally:
        os.close(fd)


def _colours(environ: Mapping[str, str]) -> str:
    """The colours the terminal says it has, read from the environment as Rich reads it."""
    if environ.get("NO_COLOR"):
        return "none: NO_COLOR is set"
    colorterm = environ.get("COLORTERM", "").lower()
    term = environ.get("TERM", "").lower()
    if colorterm in ("truecolor", "24bit"):
        return f"16 million (COLORTERM={colorterm})"
    if term in ("", "dumb", "unknown"):
        return f"none or unknown (TERM={term or 'not set'}): set TERM, e.g. xterm-256color"
    if "256" in term:
        return f"256 (TERM={term}; COLORTERM=truecolor gives 16 million)"
    return f"16 (TERM={term})"


def _corpus(paths: Sequence[Path], display_root: DisplayRoot) -> list[tuple[str, str]]:
    last = None
    for last in iter_load(paths, display_root):
        pass
    assert last is not None  # iter_load always reports at least once
    corpus = last.corpus
    formats: dict[str, int] = {}
    for file in corpus.files:
        formats[file.format or "not loaded"] = formats.get(file.format or "not loaded", 0) + 1
    rows = [
        ("loaded", f"{len(corpus.papers):,} papers from {corpus.record_count:,} records in {len(corpus.files):,} files"),
        ("formats", ", ".join(f"{name} ×{count}" for name, count in sorted(formats.items())) or "(no files)"),
        ("warnings", f"{len(corpus.warnings):,}" + (" (all of them: papertui stats)" if corpus.warnings else "")),
    ]
    rows += [("", warning) for warning in corpus.warnings[:WARNINGS_SHOWN]]
    return rows
