"""arXiv ids and URLs, and getting a link to the user: clipboard and browser with fallbacks.

Nothing here imports Textual; the app supplies the OSC 52 fallback for the clipboard.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import webbrowser
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Mapping
from urllib.parse import quote_plus

if TYPE_CHECKING:  # the core imports links at run time; links needs Paper only for types
    from papertui.corpus.model import Paper

ARXIV = "https://arxiv.org"

# New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on), optional version.
_NEW_ID = r"(?P<new>(?:0[7-9]|[1-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{4,5})(?:v[0-9]+)?"
# Old style: archive(.SUBJECT-CLASS)/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ID = r"(?P<old>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?"
# Digits are ASCII only (re.ASCII): "２４０６.１６８４５" in full-width digits is not an id.
# The host must be arxiv.org or one of its subdomains (export., www.): a URL that merely
# contains "arxiv.org/abs/..." in its path or in another host's name yields nothing.
_ID_IN_URL = re.compile(
    rf"^(?:https?://)?(?:[a-z0-9-]+\.)*arxiv\.org(?::[0-9]+)?/(?:abs|pdf|html)/(?:{_NEW_ID}|{_OLD_ID})(?![0-9])",
    re.IGNORECASE | re.ASCII,
)
_BARE_ID = re.compile(rf"^(?:arxiv:)?(?:{_NEW_ID}|{_OLD_ID})$", re.IGNORECASE | re.ASCII)

# A URL ends at whitespace, quotes, angle brackets, braces (LaTeX \href{..}{..} debris) or
# square brackets (markup such as [link=URL]text[/link]).
_URL = re.compile(r"https?://[^\s<>\"'{}\\\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"]}*"


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv id in an arxiv.org abs/pdf URL, without its version; None if there is none."""
    url = url.strip()
    match = _ID_IN_URL.match(url)
    if match is None or url[match.end() : match.end() + 1].isdigit():  # a digit of another script goes on
        return None
    return _canonical(match)


def parse_arxiv_id(text: str) -> str | None:
    """A bare id (`2406.16845`, `arXiv:2406.16845v2`, `hep-th/9901001`) or an arXiv URL."""
    text = text.strip()
    match = _BARE_ID.match(text)
    if match:
        return _canonical(match)
    return arxiv_id_from_url(text)


def _canonical(match: re.Match[str]) -> str:
    if match.group("new"):
        return match.group("new")
    archive, number = match.group("old").split("/")
    # Archive names are lower case; the subject class (math.GT) keeps its capitals.
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


def urls_in(text: str) -> tuple[str, ...]:
    """Every http(s) URL in a text, trailing punctuation removed, first occurrence order."""
    if "://" not in text:  # the regex scan is the slow part of loading plain abstracts
        return ()
    found: dict[str, None] = {}
    for raw in _URL.findall(text):
        url = _trim_url(raw)
        if len(url) > len("https://x."):
            found.setdefault(url, None)
    return tuple(found)


def is_web_link(url: str) -> bool:
    """An http(s) URL with a host and no whitespace or control characters."""
    return _URL.fullmatch(url) is not None and url.isprintable()


def _trim_url(url: str) -> str:
    """Trailing punctuation off, and a `)` unless it closes a `(` of the URL (Wikipedia's).
    One cut at the end, the brackets counted once: a URL ending in 20,000 dots or `)` was
    copied and counted again for each one, n² steps."""
    end = len(url)
    unopened = url.count(")") - url.count("(")
    while end:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char == ")" and unopened > 0:
            unopened -= 1
            end -= 1
        else:
            break
    return url[:end]


def abs_url(arxiv_id: str) -> str:
    return f"{ARXIV}/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"{ARXIV}/pdf/{arxiv_id}"


SEARCH_WORDS = 20


def search_url(paper: Paper) -> str:
    """An arXiv search for a paper with no id: by title, or by abstract when the title is derived."""
    if paper.title_derived:
        words = paper.abstract.split()[:SEARCH_WORDS]
        return f"{ARXIV}/search/?query={quote_plus(' '.join(words))}&searchtype=abstract"
    return f"{ARXIV}/search/?query={quote_plus(paper.title)}&searchtype=title"


LinkKind = Literal["abs", "pdf"]


@dataclass(frozen=True)
class PaperLink:
    url: str
    is_search: bool
    label: str


def paper_link(paper: Paper, kind: LinkKind) -> PaperLink:
    """The link `o`/`O`/`y`/`Y` act on: built only from a validated id, or an arXiv search."""
    if paper.arxiv_id and parse_arxiv_id(paper.arxiv_id) == paper.arxiv_id:
        if kind == "pdf":
            return PaperLink(pdf_url(paper.arxiv_id), False, "PDF link")
        return PaperLink(abs_url(paper.arxiv_id), False, "arXiv link")
    return PaperLink(search_url(paper), True, "arXiv search link (no arXiv id)")


# --- clipboard -------------------------------------------------------------------------

OSC52_HOW = (
    "the terminal's clipboard (OSC 52) works in most terminals, in tmux with `set -g set-clipboard on`; "
    "install xclip, xsel or wl-clipboard for the system clipboard"
)


@dataclass(frozen=True)
class ClipboardChoice:
    backend: str | None  # pyperclip's clipboard program; None: the app falls back to OSC 52
    how: str


def choose_clipboard() -> ClipboardChoice:
    """What copying would use, without copying anything (for `papertui doctor`)."""
    try:
        import pyperclip

        copy, _ = pyperclip.determine_clipboard()
    except Exception as error:  # pyperclip's own exceptions, and OSError from probing
        return ClipboardChoice(None, f"pyperclip failed ({error}); {OSC52_HOW}")
    if not copy:  # pyperclip's stand-in for "no clipboard" is falsy
        return ClipboardChoice(None, f"pyperclip found no clipboard program; {OSC52_HOW}")
    # pyperclip's functions are named after their backend: init_xclip_clipboard.<locals>.copy_xclip
    parts = getattr(copy, "__qualname__", "").split(".")
    name = next((part for part in parts if part.startswith("init_")), "").removeprefix("init_").removesuffix("_clipboard")
    return ClipboardChoice(name or "unknown", f"pyperclip, with {name or 'its own backend'}")


def copy_with_pyperclip(text: str) -> bool:
    """Copy with pyperclip; False when it has no working backend (no xclip/xsel/wl-copy)."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own exception types, and OSError from backends
        return False
    return True


# --- browser ---------------------------------------------------------------------------

_CONSOLE_BROWSERS = {"www-browser", "links", "links2", "elinks", "lynx", "w3m"}


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a graphical browser can show up where the user is looking."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "darwin" or platform.startswith("win"):
        return True
    over_ssh = any(environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")) and not over_ssh


@dataclass(frozen=True)
class OpenOutcome:
    opened: bool
    how: str  # what was used, or why nothing was


@dataclass(frozen=True)
class BrowserChoice:
    """What `open_in_browser` would use, and why: `papertui doctor` shows it."""

    command: list[str] | None = None  # from $BROWSER; "%s" marks the URL
    system: webbrowser.BaseBrowser | None = None
    how: str = ""  # what is used, or why nothing can be

    @property
    def usable(self) -> bool:
        return self.command is not None or self.system is not None


def choose_browser(environ: Mapping[str, str] | None = None, platform: str | None = None) -> BrowserChoice:
    """`$BROWSER` if set, else the system browser where there is a display; never a console
    browser, which would take over the terminal the app is drawing on."""
    environ = os.environ if environ is None else environ
    if environ.get("BROWSER"):
        return _browser_variable_choice(environ["BROWSER"])
    if not has_display(environ, platform):
        return BrowserChoice(how="no display to show a browser (set $BROWSER to choose one)")
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return BrowserChoice(how="no graphical browser found (set $BROWSER to choose one)")
    name = getattr(browser, "name", "") or type(browser).__name__
    if name in _CONSOLE_BROWSERS:
        return BrowserChoice(how=f"only a console browser found ({name}; set $BROWSER to choose one)")
    return BrowserChoice(system=browser, how=f"system browser ({name})")


def _browser_variable_choice(value: str) -> BrowserChoice:
    # $BROWSER is a os.pathsep-separated list of commands: the first that exists is used.
    for command in filter(None, value.split(os.pathsep)):
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        if words and shutil.which(words[0]) is not None:
            return BrowserChoice(command=words, how=f"$BROWSER ({words[0]})")
    return BrowserChoice(how=f"$BROWSER names no program that exists ({value})")


def open_in_browser(
    url: str, environ: Mapping[str, str] | None = None, platform: str | None = None, web_link: bool = False
) -> OpenOutcome:
    """Open an arxiv.org URL with what `choose_browser` picks; with `web_link`, any http(s)
    URL (one the user saw in full and chose, in the links dialog)."""
    if web_link:
        if not is_web_link(url):
            return OpenOutcome(False, "refused to open a link that is not http or https")
    elif not url.startswith(ARXIV + "/"):
        return OpenOutcome(False, "refused to open a URL that is not on arxiv.org")
    choice = choose_browser(environ, platform)
    if choice.command is not None:
        return run_detached(choice.command, url, f"$BROWSER ({choice.command[0]})")
    if choice.system is None:
        return OpenOutcome(False, choice.how)
    try:
        opened = choice.system.open(url)
    except Exception as error:  # webbrowser surfaces OSError and its own errors
        return OpenOutcome(False, f"the browser failed: {error}")
    return OpenOutcome(opened, "system browser" if opened else "the browser refused the link")


def run_detached(words: list[str], target: str, how: str) -> OpenOutcome:
    """Start `words` on `target` (in place of `%s`, else last) in its own session, its output
    discarded: a viewer or browser never draws on the app's terminal."""
    args = [word.replace("%s", target) for word in words]
    if not any("%s" in word for word in words):
        args.append(target)
    try:
        subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        return OpenOutcome(False, f"{how} failed: {error.strerror}")
    return OpenOutcome(True, how)
