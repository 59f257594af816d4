"""One polite HTTP client for every service: a pause between requests, a User-Agent that
names papertui, `Retry-After` honoured on 429 and 503, a bounded number of retries, and
every failure as one line (`FetchError`).

arXiv asks for at most one request every 3 seconds, one connection at a time, across all its
endpoints: the API, RSS and OAI-PMH clients of one run share one `Throttle`.

A server is not trusted: each answer is read within a size cap and a deadline, redirects
stay within http and https (sources/bounded.py), the caps and deadlines are `Limits`
(sources/limits.py), and a resumed download continues a part only when the server proves it
is the same file.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPResponse
from pathlib import Path
from typing import Callable, Iterator, TypeVar
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from papertui import __version__
from papertui.storage.regular_files import NotRegularFile, read_regular_text, shown, special_kind
from papertui.sources.bounded import (
    MAX_HEADER_DIGITS,
    Answer,
    Deadline,
    Refused,
    TooLarge,
    TooSlow,
    content_range,
    header_int,
    opener,
    printable_line,
)
from papertui.sources.limits import MB, Limits, configured_limits

USER_AGENT = f"papertui/{__version__} (a terminal browser for research papers)"
ARXIV_INTERVAL = 3.0  # seconds between requests to arXiv, as its terms ask
HF_INTERVAL = 1.0  # Hugging Face documents no limit: one a second is gentle
RETRIES = 3  # after a 429, 503 or a cut answer; then the run stops with one line
MAX_RETRY_AFTER = 300.0  # a longer wait is not waited for: the run stops and says when to retry
TIMEOUT = 60.0  # for one read of the socket; the whole answer has its deadline (Limits)
VALIDATOR_SUFFIX = ".validator"  # beside `ID.pdf.part`: what the first answer said the file was

T = TypeVar("T")


class FetchError(Exception):
    """A fetch failed; the message is one line that says what happened."""


class Unreachable(FetchError):
    """The service could not be reached at all: asking it for more is pointless for now."""


class Stopped(Exception):
    """The user asked to stop (Ctrl+C in the app) between two requests."""


class _StartOver(Exception):
    """A resumed download does not continue the part it would extend: start from zero."""


@dataclass
class Throttle:
    """At most one request every `interval` seconds (the clock and sleep are replaceable, so
    tests run on a fake clock)."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last: float | None = None

    def wait(self) -> None:
        if self.last is not None:
            delay = self.last + self.interval - self.clock()
            if delay > 0:
                self.sleep(delay)
        self.last = self.clock()


@dataclass
class Client:
    """GETs (and JSON POSTs) for one service (`name` is how messages call it); `headers` are
    sent with every request of this client (an API key, say)."""

    name: str
    throttle: Throttle
    stop: Callable[[], bool] = lambda: False
    retries: int = RETRIES
    timeout: float = TIMEOUT
    requests: int = 0
    waited: float = 0.0  # seconds spent waiting for Retry-After
    log: list[str] = field(default_factory=list)  # one line per retry, for the progress display
    headers: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=configured_limits)

    def get(self, url: str) -> bytes:
        """The body of a 200 answer. Raises FetchError (one line) or Stopped."""
        return self._with_retries(url, dict, self._read_whole)

    def post(self, url: str, body: bytes | dict) -> bytes:
        """POST `body` (a dict is sent as JSON) and return the answer's body, with the same
        pause, retries, limits and one-line errors as `get`."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        return self._with_retries(url, lambda: {"Content-Type": "application/json"}, self._read_whole, data=data)

    def download(self, url: str, part: Path, on_bytes: Callable[[int, int | None], None] = lambda done, total: None) -> None:
        """Stream `url` into `part`, resuming from what `part` already holds, only when the
        server proves it is the same file (see `_Part`); otherwise from zero. `on_bytes(done,
        total)` hears of progress. Raises FetchError, or Stopped (the part stays, to be resumed)."""
        held = _Part(part)

        def consume(answer: Answer) -> None:
            kind = answer.response.headers.get("Content-Type", "")
            if "html" in kind.lower():
                raise FetchError(f"{self.name} answered with a web page ({printable_line(kind.split(';')[0])}), not the file")
            start, total = held.begin(answer.response, answer.announced)
            received = start
            try:
                if total is not None and total > answer.cap:
                    raise TooLarge(total)
                with _writing(part, "ab" if start else "wb") as write:
                    for chunk in answer.chunks(already=start):
                        write(chunk)
                        received += len(chunk)
                        on_bytes(received, total)
                        if self.stop():
                            raise Stopped()
            except TooLarge:
                held.start_over()  # not worth resuming: the file is over the cap
                raise
            held.end(received, total)

        self._with_retries(
            url, held.request_headers, consume, complete_at_416=held.complete_at_416, cap=self.limits.pdf_bytes,
            seconds=self.limits.pdf_seconds, setting="pdf", kept="; the part is kept and resumes next time",
        )

    def _read_whole(self, answer: Answer) -> bytes:
        announced = answer.announced
        if announced is not None and announced > answer.cap:
            raise TooLarge(announced)
        body = b"".join(answer.chunks())
        if announced is not None and len(body) < announced:  # a body cut short: asked again
            raise http.client.IncompleteRead(b"", announced - len(body))
        return body

    def _with_retries(
        self,
        url: str,
        headers: Callable[[], dict[str, str]],
        consume: Callable[[Answer], T],
        complete_at_416: Callable[[HTTPError], bool] = lambda error: False,
        data: bytes | None = None,
        cap: int | None = None,
        seconds: float | None = None,
        setting: str = "answer",
        kept: str = "",
    ) -> T | None:
        host = printable_line(urlsplit(url).netloc or url)
        cap = self.limits.answer_bytes if cap is None else cap
        seconds = self.limits.answer_seconds if seconds is None else seconds
        try:
            for attempt in range(self.retries + 1):
                if self.stop():
                    raise Stopped()
                self.throttle.wait()
                self.requests += 1
                deadline = Deadline(
                    seconds,
                    f"{self.name} took longer than {seconds:g} s to answer; stopped there{kept} "
                    f"(the limit is $PAPERTUI_{setting.upper()}_SECONDS or {setting}_seconds in [limits] of the config file)",
                )
                try:
                    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **self.headers, **headers()}
                    request = Request(url, data=data, headers=sent, method="POST" if data is not None else "GET")
                    with opener(deadline).open(request, timeout=min(self.timeout, seconds)) as response:
                        return consume(Answer(response, deadline, cap))
                except Refused as refused:
                    raise FetchError(f"{self.name} {refused}; nothing was fetched") from None
                except TooLarge as large:
                    what = f"announced an answer of {_size_shown(large.announced)}, " if large.announced else "sent an answer "
                    raise FetchError(
                        f"{self.name} {what}larger than {cap / MB:g} MB; it was not kept "
                        f"(the limit is $PAPERTUI_{setting.upper()}_MB or {setting}_mb in [limits] of the config file)"
                    ) from None
                except _StartOver as over:
                    self._start_over(over, attempt)
                    continue
                except HTTPError as error:
                    error.close()
                    if error.code == 416:
                        try:
                            if complete_at_416(error):  # the part already holds everything
                                return None
                        except _StartOver as over:
                            self._start_over(over, attempt)
                            continue
                    if error.code in (429, 503) and attempt < self.retries:
                        delay = retry_after(error.headers.get("Retry-After"), attempt, self.throttle.interval)
                        if delay > MAX_RETRY_AFTER:
                            raise FetchError(
                                f"{self.name} asks to wait {_minutes(delay)} (HTTP {error.code}); nothing more was asked, try later"
                            ) from None
                        self.log.append(f"{self.name} answered HTTP {error.code}; waiting {delay:.0f} s, as it asks")
                        self.waited += delay
                        self.throttle.sleep(delay)
                        continue
                    tries = f" (after {attempt + 1} tries)" if attempt else ""
                    raise FetchError(f"{self.name} answered HTTP {error.code} {printable_line(str(error.reason))}{tries}") from None
                except http.client.IncompleteRead:
                    deadline.check()
                    if attempt < self.retries:
                        self.log.append(f"{self.name} cut its answer short; asking again")
                        continue
                    raise FetchError(f"{self.name} cut its answer short {attempt + 1} times; try later") from None
                except (URLError, http.client.HTTPException, TimeoutError, OSError, ValueError) as error:
                    deadline.check()
                    reason = printable_line(str(getattr(error, "reason", None) or error))
                    if isinstance(error, ValueError) or (
                        isinstance(error, http.client.HTTPException) and not isinstance(error, http.client.RemoteDisconnected)
                    ):  # a status line, header or chunk size http.client cannot take: a garbled answer
                        raise FetchError(f"{self.name} at {host} sent an answer that is not HTTP papertui can read ({reason})") from None
                    raise Unreachable(f"cannot reach {self.name} at {host} ({reason})") from None
                finally:
                    deadline.cancel()
        except TooSlow as slow:  # raised while reading, or on finding why a read ended
            raise FetchError(str(slow)) from None
        raise AssertionError("the loop returns or raises")  # pragma: no cover

    def _start_over(self, over: _StartOver, attempt: int) -> None:
        """Say that a download starts over (the part is gone already), or stop when no try is left."""
        if attempt >= self.retries:
            raise FetchError(f"{self.name} {over}; nothing was kept, try later") from None
        self.log.append(f"{self.name} {over}; starting the download over")


# --- a download's part and what proves a resumption continues it ----------------------------------


class _Part:
    """`ID.pdf.part` and its validator, `ID.pdf.part.validator`: the ETag (or Last-Modified)
    and size of the first answer. A resumption asks `Range` with `If-Range` (a server whose
    file changed answers 200, the whole new file), and the answer is kept only when it
    continues the part exactly: a 206 from elsewhere, of another size, or a 416 that does not
    confirm the part is the whole file, start from zero (`_StartOver`). A part without a
    validator (left by hand, or by an older papertui) proves nothing and is not resumed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.memo_path = path.with_name(path.name + VALIDATOR_SUFFIX)
        self.asked_from = 0  # where the last request's Range started (0: the whole file)

    def request_headers(self) -> dict[str, str]:
        held = _size(self.path)
        memo = _read_memo(self.memo_path) if held else None
        if held and not (memo and memo["if_range"]):
            self.start_over()  # nothing proves the server still has the same file
            held = 0
        self.asked_from = held
        return {"Range": f"bytes={held}-", "If-Range": str(memo["if_range"])} if held and memo else {}

    def begin(self, response: HTTPResponse, length: int | None) -> tuple[int, int | None]:
        """Where the answer's body goes in the file, and the file's whole size if known."""
        held = _size(self.path)
        if response.status != 206:  # a whole file, asked for or not (a 200 to a Range: the file changed)
            _write_memo(self.memo_path, response.headers, length)
            return 0, length
        ranged = content_range(response.headers.get("Content-Range"))
        size = (_read_memo(self.memo_path) or {}).get("size")
        if not self.asked_from or held != self.asked_from or ranged is None or ranged[0] != held or (
            ranged[2] is not None and size not in (None, ranged[2])
        ):
            self.start_over()
            raise _StartOver("sent a part that does not continue the one held")
        total = ranged[2] if ranged[2] is not None else (held + length if length is not None else None)
        return held, total

    def end(self, received: int, total: int | None) -> None:
        if total is not None and received < total:  # a body cut short: resumed on the next try
            raise http.client.IncompleteRead(b"", total - received)
        if total is not None and received > total:
            self.start_over()
            raise _StartOver(f"sent {received:,} bytes of a file it said holds {total:,}")
        _forget(self.memo_path)

    def complete_at_416(self, error: HTTPError) -> bool:
        """A 416 to a resumption: true when the server confirms the part is the whole file."""
        held = _size(self.path)
        if not self.asked_from or held != self.asked_from:
            return False
        ranged = content_range(error.headers.get("Content-Range"))
        size = (_read_memo(self.memo_path) or {}).get("size")
        if ranged and ranged[2] == held and size in (None, held):
            _forget(self.memo_path)
            return True
        self.start_over()
        raise _StartOver("answered HTTP 416 to a resumption it cannot confirm")

    def start_over(self) -> None:
        for path in (self.path, self.memo_path):
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                raise FetchError(f"cannot remove {shown(path)} to start the download over ({error.strerror or error})") from None


def _validator(headers) -> str | None:  # noqa: ANN001
    """What `If-Range` can send back: a strong ETag, else Last-Modified (a weak ETag may not
    be used there); only printable ASCII, as a header value must be."""
    etag = (headers.get("ETag") or "").strip()
    if etag and not etag.startswith("W/") and _sendable(etag):
        return etag
    modified = (headers.get("Last-Modified") or "").strip()
    return modified if modified and _sendable(modified) else None


def _sendable(value: str) -> bool:
    return len(value) <= 200 and value.isascii() and value.isprintable()


def _write_memo(path: Path, headers, size: int | None) -> None:  # noqa: ANN001
    memo = {"if_range": _validator(headers), "size": size}
    with _writing(path, "wb") as write:
        write((json.dumps(memo) + "\n").encode("utf-8"))


def _read_memo(path: Path) -> dict[str, object] | None:
    """The validator file, or None when it is missing or not what papertui wrote."""
    try:
        memo = json.loads(read_regular_text(path, 4096))
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict):
        return None
    if_range, size = memo.get("if_range"), memo.get("size")
    if not (isinstance(if_range, str) and _sendable(if_range)) and if_range is not None:
        return None
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= 10**MAX_HEADER_DIGITS):
        return None
    return {"if_range": if_range, "size": size}


def _forget(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a stale validator is checked before it is used


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


@contextmanager
def _writing(path: Path, mode: str) -> Iterator[Callable[[bytes], None]]:
    """A file to append chunks to, synced when done; a failure to write is a FetchError that
    names the file (not mistaken for the network's, which the body may raise meanwhile)."""

    def failed(error: OSError) -> FetchError:
        return FetchError(f"cannot write {shown(path)} ({error.strerror or error}); remove it and try again")

    # O_NONBLOCK: a FIFO left in the part's place would block the open for ever; only a
    # regular file is written to (a device there is refused, not filled).
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "ab" else os.O_TRUNC) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags, 0o644)
        try:
            kind = special_kind(os.fstat(handle).st_mode)
            if kind:
                raise NotRegularFile(path, kind)
            os.set_blocking(handle, True)
            file = os.fdopen(handle, mode)
        except BaseException:
            os.close(handle)
            raise
    except OSError as error:
        raise failed(_named(path, error)) from None
    with file:

        def write(chunk: bytes) -> None:
            try:
                file.write(chunk)
            except OSError as error:
                raise failed(error) from None

        yield write
        try:
            file.flush()
            os.fsync(file.fileno())
        except OSError as error:
            raise failed(error) from None


def _named(path: Path, error: OSError) -> OSError:
    """The error of an open, named by what is there when it is no file (a FIFO with no
    reader fails with "No such device or address", which says nothing)."""
    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError:
        return error
    return NotRegularFile(path, kind) if kind else error


def retry_after(header: str | None, attempt: int, interval: float) -> float:
    """Seconds to wait: the header's seconds or date; without one, a doubling back-off."""
    if header:
        seconds = header_int(header)
        if seconds is not None:
            return float(seconds)
        try:
            when = email.utils.parsedate_to_datetime(header.strip())
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return max(interval, 1.0) * 2 ** (attempt + 1)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:,.0f} minutes" if seconds < 3600 * 48 else f"{seconds / 86400:,.0f} days"


def _size_shown(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size:,} bytes"
