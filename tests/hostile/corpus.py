"""The hostile corpus: files papertui did not write and must survive, written by the tests.

Each `Case` is one file, what loading it must warn (a pattern, or None for no warning),
and the titles of the good records in it, which must all load. `write_corpus` writes
every case into one directory, next to a clean file whose papers must load too.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BIG_LINE_BYTES = 50 * 1024 * 1024
LONG_ABSTRACT_CHARS = 100_000

ESC = "\x1b"
# Sequences a title must never get to the terminal: a clipboard write (OSC 52), a screen
# clear, a hyperlink (OSC 8), a window title, and bidi controls that reorder text.
CLIPBOARD_WRITE = f"{ESC}]52;c;cm0gLXJmIH4v\x07"
SCREEN_CLEAR = f"{ESC}[2J{ESC}[H"
HYPERLINK = f"{ESC}]8;;https://evil.example/{ESC}\\click me{ESC}]8;;{ESC}\\"
WINDOW_TITLE = f"{ESC}]0;pwned\x07"
BIDI = "\u202eelif.exe\u202c \u2066isolated\u2069"
MARKUP = "[CLS] tokens [/bold] and [/ and [link=https://evil.example]here[/link] [TODO] [red]x[/]"


def tps(title: str, summary: str | None = None, pdf: str | None = None) -> str:
    """One record of the `Title:` / `PDF:` / `Summary:` format (by default, a summary of
    its own, so that no two files share a paper)."""
    summary = summary or f"{GOOD_SUMMARY} This one is about {title}."
    pdf_line = f"PDF: {pdf}\n" if pdf else ""
    return f"Title: {title}\n{pdf_line}Summary: {summary}\n---\n"


def json_line(title: str, arxiv_id: str | None = None) -> bytes:
    arxiv_id = arxiv_id or ("2401.00106" if "First" in title else "2401.00107")
    return json.dumps({"id": arxiv_id, "title": title,
                       "abstract": f"{GOOD_SUMMARY} This one is about {title}."}).encode() + b"\n"


GOOD_SUMMARY = "A perfectly ordinary abstract, long enough to be recognised as the abstract of a paper."


@dataclass
class Case:
    name: str  # also the file name, unless `file_name` says otherwise
    content: Callable[[], bytes]
    warning: str | None  # a regular expression the file's one warning must match
    titles: list[str] = field(default_factory=list)  # good records of this file
    file_name: str | None = None
    fifo: bool = False  # a named pipe instead of a file: opening it for reading would block

    @property
    def path_name(self) -> str:
        return self.file_name or f"{self.name}.txt"


def _binary() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4096)


def _nul_bytes() -> bytes:
    return (tps("Nul\x00 Bytes In The Title", "Summary with a \x00 NUL. " + GOOD_SUMMARY, "https://arxiv.org/pdf/2401.00101")
            + tps("Clean Neighbour Of The Nul Record", None)).encode()


def _big_line() -> bytes:
    words = b"lorem ipsum dolor sit amet consectetur "
    line = b"Abstract: " + words * (BIG_LINE_BYTES // len(words))
    return (b"Abstract: A small first paper before the giant line, with enough words to stand alone.\n"
            + line + b"\nAbstract: A small last paper after the giant line, with enough words to stand alone.\n")


def _long_abstract() -> bytes:
    rng = random.Random(2)
    words = [rng.choice(["neural", "graph", "kernel", "sparse", "tensor", "proof", "bound"]) for _ in range(LONG_ABSTRACT_CHARS // 6)]
    abstract = " ".join(words)[:LONG_ABSTRACT_CHARS]
    return (tps("A Paper With An Endless Abstract", abstract, "https://arxiv.org/pdf/2401.00102")
            + tps("A Paper With A Normal Abstract")).encode()


def _hf_odd_paragraphs() -> bytes:
    return ("Subscribe\n\nbyAK and the research community\n\nMar 12\n\n"
            "Odd Paragraphs First Title\n\nThe first abstract of the page, long enough to be taken as one.\n\n"
            "Odd Paragraphs Second Title\n\nThe second abstract of the page, long enough to be taken as one.\n\n"
            "A Dangling Title With No Abstract\n").encode()


def _escapes() -> bytes:
    return (tps(f"Escapes{CLIPBOARD_WRITE} In{SCREEN_CLEAR} The{WINDOW_TITLE} Title", f"Click {HYPERLINK} now. {GOOD_SUMMARY}", "https://arxiv.org/pdf/2401.00103")
            + tps(f"Bidi {BIDI} Controls", f"\x9b31m C1 CSI and \x07 bell and \x08 backspace. {GOOD_SUMMARY}")).encode()


def _symlink_loop(directory: Path) -> None:
    loop_dir = directory / "symlink-loop"
    loop_dir.mkdir()
    (loop_dir / "inside.txt").write_text(tps("Paper Inside The Looping Directory"))
    (loop_dir / "to-itself").symlink_to(loop_dir, target_is_directory=True)
    (loop_dir / "self-link.txt").symlink_to(loop_dir / "self-link.txt")


def _papers_json(*papers: dict) -> bytes:
    return json.dumps([{"paper": paper} for paper in papers]).encode()


def _surrogates() -> bytes:
    # json.dumps spells a lone surrogate as the escape "\ud800", as a hostile file would.
    return _papers_json(
        {"id": "2401.00110", "title": "Lone \ud800 Surrogate In A Title", "summary": f"{GOOD_SUMMARY} With \udfff too."},
        {"id": "2401.00111", "title": "Clean Neighbour Of The Surrogates", "summary": f"{GOOD_SUMMARY} Clean."},
    )


DISPLAY_MATH_CHARS = 180_000


def _display_math() -> bytes:
    # `\[ ` never closed: a lazy display-math pattern tried every opening against the rest.
    return json_line("First Display Math Paper", "2401.00117") + json.dumps(
        {"id": "2401.00112", "title": "Display Math Flood", "abstract": "\\[ " * (DISPLAY_MATH_CHARS // 3)}
    ).encode() + b"\n"


def _long_first_line() -> bytes:
    authors = ", ".join(f"Author Number{n} Collaboration" for n in range(4000))  # over 64 KiB
    first = json.dumps({"id": "2401.00113", "title": "A Paper With Four Thousand Authors", "abstract": GOOD_SUMMARY + " Big team.", "authors": authors})
    assert len(first) > 65536
    return first.encode() + b"\n" + json_line("Second Line After The Long One", "2401.00118")


def _huge_upvotes() -> bytes:
    return (b'[{"paper": {"id": "2401.00114", "title": "Upvoted Beyond Any Integer", "summary": "' + GOOD_SUMMARY.encode()
            + b' Votes.", "upvotes": 99999999999999999999999}}]')


def _two_ids_one_abstract() -> bytes:
    abstract = "We release an open model family trained on trillions of tokens, with weights, data and code for everyone."
    return _papers_json(
        {"id": "2401.00115", "title": "Open Family Of Models", "summary": abstract},
        {"id": "2402.00116", "title": "Open Family Of Models V2", "summary": abstract},
    )


def _bibtex_macros() -> bytes:
    return ('@string{conf = "Proceedings of a Conference"}\n@STRING{first = "Macros"}\n'
            '@inproceedings{m, title = first # " Expanded In A Title", booktitle = conf, year = 2024}\n').encode()


CASES: list[Case] = [
    Case("binary", _binary, r"not a text file"),
    Case("nul-bytes", _nul_bytes, r"2 control characters .* removed", ["Nul Bytes In The Title", "Clean Neighbour Of The Nul Record"]),
    Case("gbk", lambda: tps("论文标题：大型语言模型的推理", "我们提出了一种新的方法来改进大型语言模型的推理能力，并在多个基准上进行了评估。").encode("gbk"),
         r"not UTF-8; read as gb18030", ["论文标题：大型语言模型的推理"]),
    Case("latin1", lambda: tps("Économie Des Modèles À Grande Échelle", "Une étude détaillée des coûts, réalisée à Zürich et à Montréal en été.").encode("latin-1"),
         r"not UTF-8; read as cp1252", ["Économie Des Modèles À Grande Échelle"]),
    Case("utf8-bom", lambda: b"\xef\xbb\xbf" + tps("Byte Order Mark Paper").encode(), None, ["Byte Order Mark Paper"]),
    Case("crlf", lambda: tps("Windows Line Ends Paper").replace("\n", "\r\n").encode(), None, ["Windows Line Ends Paper"]),
    Case("lone-cr", lambda: tps("Classic Mac Line Ends Paper").replace("\n", "\r").encode(), None, ["Classic Mac Line Ends Paper"]),
    Case("big-line", _big_line, r"record 2: the abstract has 52,428,\d{3} characters; the first 20,000 are kept",
         ["A small first paper before the giant line, with enough words to…",
          "lorem ipsum dolor sit amet consectetur lorem ipsum dolor sit amet consectetur…",
          "A small last paper after the giant line, with enough words to…"]),
    Case("long-abstract", _long_abstract, r"record 1: the abstract has 100,000 characters; the first 20,000 are kept",
         ["A Paper With An Endless Abstract", "A Paper With A Normal Abstract"]),
    Case("title-without-summary", lambda: (tps("Fine Paper Before The Cut") + "Title: A Title Cut Off Before Its Summary\n").encode(),
         r"record 2: no Summary; kept with its title alone", ["Fine Paper Before The Cut", "A Title Cut Off Before Its Summary"]),
    Case("hf-odd-paragraphs", _hf_odd_paragraphs, r"record 3: title with no abstract at the end of the file", ["Odd Paragraphs First Title", "Odd Paragraphs Second Title", "A Dangling Title With No Abstract"]),
    Case("lone-separator", lambda: b"---\n", r"matches no known format"),
    Case("empty", lambda: b"", r"empty file"),
    Case("blank", lambda: b" \n\n\t\r\n" * 1000, r"empty file"),
    Case("unreadable", lambda: tps("Nobody May Read This").encode(), r"cannot read: Permission denied"),
    Case("escapes", _escapes, r"\d+ control characters and escape sequences removed",
         ["Escapes In The Title", "Bidi elif.exe isolated Controls"]),
    Case("markup", lambda: tps(f"Markup {MARKUP}", f"Abstract with {MARKUP} inside. {GOOD_SUMMARY}").encode(), None, [f"Markup {MARKUP}"]),
    Case("hostile-name", lambda: tps("Paper In A Badly Named File").encode(), None,
         ["Paper In A Badly Named File"], file_name=f"name{ESC}[2J{ESC}]52;c;eA==\x07with\nnewline.txt"),
    Case("json-nesting", lambda: b'[{"title": "Shallow Paper In Deep JSON", "summary": "' + GOOD_SUMMARY.encode() + b'"}, ' + b"[" * 100_000 + b"]" * 100_000 + b"]",
         r"item 2: .*nested too deeply", ["Shallow Paper In Deep JSON"]),
    Case("jsonl-nesting", lambda: (json_line("First Line Of Deep JSON Lines") + b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
                                   + json_line("Last Line Of Deep JSON Lines")),
         r"line 2: nested too deeply to read; skipped", ["First Line Of Deep JSON Lines", "Last Line Of Deep JSON Lines"]),
    Case("xml-entity-bomb", lambda: ('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
         + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
         + ']>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00104v1</id>'
         "<title>&i;</title><summary>boom</summary></entry></feed>\n").encode(), r"declares XML entities"),
    Case("bibtex-unclosed", lambda: ("@article{good, title={A Good Entry Before A Broken One}, eprint={2401.00105}, archivePrefix={arXiv}}\n"
         "@article{broken, title={An entry whose braces never close\n").encode(), r"entry 2 \(broken, line 2\): its braces never close", ["A Good Entry Before A Broken One"]),
    # Hangs, stalls and lost data: every class below once hung papertui or lost a paper.
    Case("fifo", lambda: b"", r"a named pipe \(FIFO\), not a regular file; skipped", fifo=True),
    Case("surrogates", _surrogates, r"2 invalid characters \(lone UTF-16 surrogates\) replaced",
         ["Lone \ufffd Surrogate In A Title", "Clean Neighbour Of The Surrogates"], file_name="surrogates.json"),
    Case("display-math", _display_math, r"record 2: the abstract has 180,000 characters; the first 20,000 are kept",
         ["First Display Math Paper", "Display Math Flood"], file_name="display-math.jsonl"),
    Case("long-first-line", _long_first_line, None, ["A Paper With Four Thousand Authors", "Second Line After The Long One"],
         file_name="long-first-line.jsonl"),
    Case("huge-upvotes", _huge_upvotes, r"record 1: 99999999999999999999999 upvotes is out of range; left out",
         ["Upvoted Beyond Any Integer"], file_name="huge-upvotes.json"),
    Case("two-ids-one-abstract", _two_ids_one_abstract, None, ["Open Family Of Models", "Open Family Of Models V2"],
         file_name="two-ids.json"),
    Case("bibtex-macros", _bibtex_macros, None, ["Macros Expanded In A Title"], file_name="macros.bib"),
    Case("utf16-without-bom", lambda: tps("Sixteen Bits Without A Mark").encode("utf-16-le"),
         r"not UTF-8; read as utf-16-le \(no byte order mark\)", ["Sixteen Bits Without A Mark"]),
    Case("symbol-titles", lambda: (tps("🚀🚀", f"{GOOD_SUMMARY} Rockets first.") + tps("???", f"{GOOD_SUMMARY} Questions next.")).encode(),
         None, ["🚀🚀", "???"]),
]

SPECIAL_CASES = {
    "symlink-loop": "a directory holding a link to itself and a link loop; its one good file loads",
}

CLEAN_FILE = "clean.txt"
CLEAN_TITLES = ["Clean Paper One About Graphs", "Clean Paper Two About Kernels"]


def write_corpus(directory: Path, cases: list[Case] = CASES) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for case in cases:
        if case.fifo:
            os.mkfifo(directory / case.path_name)
        else:
            (directory / case.path_name).write_bytes(case.content())
    (directory / CLEAN_FILE).write_text("".join(tps(t) for t in CLEAN_TITLES))
    _symlink_loop(directory)
    os.chmod(directory / "unreadable.txt", 0)
    return directory
