"""One answer, bounded: whatever a server does, reading it ends within a size cap and a
deadline, and follows redirects only within http and https.

The cap is enforced while reading (a Content-Length only ever refuses early: nothing is
allocated from it). The deadline runs from the first byte sent to the last received: a
watchdog shuts the answer's sockets down when it passes, which ends a read that waits (on
connecting, on headers, on a body that drips a byte every few seconds), and each chunk read
checks it too. No service names here: `http.Client` words what these raise.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit
from urllib.request import HTTPHandler, HTTPRedirectHandler, HTTPSHandler, OpenerDirector, Request, build_opener

from papertui.corpus.text import printable

CHUNK = 1 << 16
MAX_REDIRECTS = 10
MAX_HEADER_DIGITS = 15  # a number of bytes or seconds in a header: up to a petabyte is plenty


class Refused(Exception):
    """A redirect papertui does not follow; the message reads after the service's name."""


class TooLarge(Exception):
    """The answer holds more than the cap, or announces `announced` bytes, more than it."""

    def __init__(self, announced: int | None = None) -> None:
        super().__init__(announced)
        self.announced = announced


class TooSlow(Exception):
    """The deadline passed; the message is the line to show."""


@dataclass
class Answer:
    """An answer being read: its response, and the deadline and cap that bound it."""

    response: HTTPResponse
    deadline: Deadline
    cap: int

    @property
    def announced(self) -> int | None:
        return header_int(self.response.headers.get("Content-Length"))

    def chunks(self, already: int = 0) -> Iterator[bytes]:
        """The body in chunks as they come (`read1`: a dripping server cannot make one read
        wait for a whole chunk); TooLarge once `already` plus what came passes the cap."""
        size = already
        while chunk := self.response.read1(CHUNK):
            size += len(chunk)
            if size > self.cap:
                raise TooLarge()
            self.deadline.check()
            yield chunk
        self.deadline.check()  # the watchdog's shutdown ends the body as if it were whole


class Deadline:
    """The end of one answer's time: `check()` raises TooSlow after it, and a watchdog
    shuts the answer's sockets down at it, ending a read that waits (on connecting, on the
    headers, on a body that drips)."""

    def __init__(self, seconds: float, message: str) -> None:
        self.ends = time.monotonic() + seconds
        self.message = message
        self.passed = False
        self.sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self.sockets.append(sock)
            if self.passed:
                _shut(sock)

    def check(self) -> None:
        if self.passed or time.monotonic() >= self.ends:
            self.passed = True
            raise TooSlow(self.message)

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: an SSL one would unwrap
    except (OSError, ValueError):
        pass  # closed already


def opener(deadline: Deadline) -> OpenerDirector:
    """urllib's opener (proxies as the environment says), with each connection watched by
    `deadline` and redirects followed only within http and https, at most MAX_REDIRECTS."""

    def watched(kind: type[http.client.HTTPConnection]) -> Callable[..., http.client.HTTPConnection]:
        class Watched(kind):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                super().connect()
                deadline.watch(self.sock)

        return Watched

    class Http(HTTPHandler):
        def http_open(self, req: Request) -> HTTPResponse:
            return self.do_open(watched(http.client.HTTPConnection), req)

    class Https(HTTPSHandler):
        def https_open(self, req: Request) -> HTTPResponse:
            return self.do_open(watched(http.client.HTTPSConnection), req, context=self._context)

    return build_opener(Http(), Https(), _Redirects())


class _Redirects(HTTPRedirectHandler):
    """urllib's redirects without reading the redirect's body (it could be endless), to http
    and https only, and a loop said in one line."""

    def http_error_302(self, req: Request, fp, code: int, msg: str, headers) -> HTTPResponse | None:  # noqa: ANN001
        location = headers.get("Location") or headers.get("URI")
        fp.close()
        if not location:
            raise Refused(f"answered HTTP {code} (a redirect) without saying where to")
        try:
            target = urljoin(req.full_url, location.strip())
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise Refused(f"redirected to an address that cannot be read ({printable_line(location[:80])})") from None
        if scheme not in ("http", "https"):
            raise Refused(f"redirected to a {printable_line(scheme) or 'schemeless'}: address; papertui follows only http and https")
        visited = getattr(req, "papertui_visited", ()) + (req.full_url,)
        if target in visited:
            raise Refused(f"redirects in a loop ({len(visited)} redirects)")
        if len(visited) > MAX_REDIRECTS:
            raise Refused(f"redirects more than {MAX_REDIRECTS} times")
        new = self.redirect_request(req, fp, code, msg, headers, target)
        if new is None:
            return None
        new.papertui_visited = visited  # type: ignore[attr-defined]
        return self.parent.open(new, timeout=req.timeout)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def header_int(value: str | None, maximum: int = 10**MAX_HEADER_DIGITS) -> int | None:
    """A whole number in a header, or None: ASCII digits only (`"²".isdigit()` is true, and
    `int("²")` raises), and not absurdly large."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > MAX_HEADER_DIGITS:
        return None
    number = int(value)
    return number if number <= maximum else None


def content_range(value: str | None) -> tuple[int, int | None, int | None] | None:
    """(start, end, total) of `Content-Range: bytes START-END/TOTAL` (`bytes */TOTAL` on a 416:
    start -1, end None); None when it is not that. TOTAL `*` (unknown) is None."""
    if not value:
        return None
    unit, _, spec = value.strip().partition(" ")
    span, slash, size = spec.strip().partition("/")
    if unit.lower() != "bytes" or not slash:
        return None
    total = None if size.strip() == "*" else header_int(size)
    if total is None and size.strip() != "*":
        return None
    if span.strip() == "*":
        return (-1, None, total)
    first, dash, last = span.partition("-")
    start, end = header_int(first), header_int(last)
    if not dash or start is None or end is None or end < start or (total is not None and end >= total):
        return None
    return (start, end, total)


def printable_line(reason: str, limit: int = 160) -> str:
    """Text from a server or the system on one line: controls spelt out, runs of spaces folded."""
    text = printable(" ".join(str(reason).split())) or "no answer"
    return text if len(text) <= limit else text[: limit - 1] + "…"
