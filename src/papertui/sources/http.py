"""One polite HTTP client for every service: a pause between requests, a User-Agent that
names papertui, `Retry-After` honoured on 429 and 503, a bounded number of retries, and
every failure as one line (`FetchError`).

arXiv asks for at most one request every 3 seconds, one connection at a time, across all its
endpoints: the API, RSS and OAI-PMH clients of one run share one `Throttle`.
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
from urllib.request import Request, urlopen

from papertui import __version__

USER_AGENT = f"papertui/{__version__} (a terminal browser for research papers)"
ARXIV_INTERVAL = 3.0  # seconds between requests to arXiv, as its terms ask
HF_INTERVAL = 1.0  # Hugging Face documents no limit: one a second is gentle
RETRIES = 3  # after a 429, 503 or a cut answer; then the run stops with one line
MAX_RETRY_AFTER = 300.0  # a longer wait is not waited for: the run stops and says when to retry
TIMEOUT = 60.0
CHUNK = 1 << 16

T = TypeVar("T")


class FetchError(Exception):
    """A fetch failed; the message is one line that says what happened."""


class Unreachable(FetchError):
    """The service could not be reached at all: asking it for more is pointless for now."""


class Stopped(Exception):
    """The user asked to stop (Ctrl+C in the app) between two requests."""


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

    def get(self, url: str) -> bytes:
        """The body of a 200 answer. Raises FetchError (one line) or Stopped."""
        return self._with_retries(url, dict, _read_whole)

    def post(self, url: str, body: bytes | dict) -> bytes:
        """POST `body` (a dict is sent as JSON) and return the answer's body, with the same
        pause, retries and one-line errors as `get`."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        return self._with_retries(url, lambda: {"Content-Type": "application/json"}, _read_whole, data=data)

    def download(self, url: str, part: Path, on_bytes: Callable[[int, int | None], None] = lambda done, total: None) -> None:
        """Stream `url` into `part`, resuming from what `part` already holds (a Range request);
        a body cut short is asked again from where it stopped. `on_bytes(done, total)` hears of
        progress. Raises FetchError, or Stopped (the part stays, to be resumed)."""

        def headers() -> dict[str, str]:
            held = part.stat().st_size if part.exists() else 0
            return {"Range": f"bytes={held}-"} if held else {}

        def consume(response: HTTPResponse) -> None:
            kind = response.headers.get("Content-Type", "")
            if "html" in kind.lower():
                raise FetchError(f"{self.name} answered with a web page ({kind.split(';')[0]}), not the file")
            held = part.stat().st_size if part.exists() else 0
            resumed = response.status == 206 and _range_start(response.headers.get("Content-Range")) == held
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            total = (held + expected if resumed else expected) if expected is not None else None
            received = 0
            with _writing(part, "ab" if resumed else "wb") as write:
                while chunk := response.read(CHUNK):
                    write(chunk)
                    received += len(chunk)
                    on_bytes((held if resumed else 0) + received, total)
                    if self.stop():
                        raise Stopped()
            if expected is not None and received < expected:  # urllib reads a cut body silently
                raise http.client.IncompleteRead(b"", expected - received)

        self._with_retries(url, headers, consume, complete_at_416=lambda: part.exists() and part.stat().st_size > 0)

    def _with_retries(
        self,
        url: str,
        headers: Callable[[], dict[str, str]],
        consume: Callable[[HTTPResponse], T],
        complete_at_416: Callable[[], bool] = lambda: False,
        data: bytes | None = None,
    ) -> T | None:
        host = urlsplit(url).netloc or url
        for attempt in range(self.retries + 1):
            if self.stop():
                raise Stopped()
            self.throttle.wait()
            self.requests += 1
            try:
                sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **self.headers, **headers()}
                request = Request(url, data=data, headers=sent, method="POST" if data is not None else "GET")
                with urlopen(request, timeout=self.timeout) as response:
                    return consume(response)
            except HTTPError as error:
                if error.code == 416 and complete_at_416():  # the part already holds everything
                    return None
                if error.code in (429, 503) and attempt < self.retries:
                    delay = retry_after(error.headers.get("Retry-After"), attempt, self.throttle.interval)
                    if delay > MAX_RETRY_AFTER:
                        raise FetchError(
                            f"{self.name} asks to wait {delay / 60:.0f} minutes (HTTP {error.code}); nothing more was asked, try later"
                        ) from None
                    self.log.append(f"{self.name} answered HTTP {error.code}; waiting {delay:.0f} s, as it asks")
                    self.waited += delay
                    self.throttle.sleep(delay)
                    continue
                tries = f" (after {attempt + 1} tries)" if attempt else ""
                raise FetchError(f"{self.name} answered HTTP {error.code} {error.reason}{tries}") from None
            except http.client.IncompleteRead:
                if attempt < self.retries:
                    self.log.append(f"{self.name} cut its answer short; asking again")
                    continue
                raise FetchError(f"{self.name} cut its answer short {attempt + 1} times; try later") from None
            except (URLError, http.client.HTTPException, TimeoutError, OSError) as error:
                reason = getattr(error, "reason", None) or error
                raise Unreachable(f"cannot reach {self.name} at {host} ({_one_line(reason)})") from None
        raise AssertionError("the loop returns or raises")  # pragma: no cover


@contextmanager
def _writing(path: Path, mode: str) -> Iterator[Callable[[bytes], None]]:
    """A file to append chunks to, synced when done; a failure to write is a FetchError that
    names the file (not mistaken for the network's, which the body may raise meanwhile)."""

    def failed(error: OSError) -> FetchError:
        return FetchError(f"cannot write {path} ({error.strerror or error})")

    try:
        file = open(path, mode)
    except OSError as error:
        raise failed(error) from None
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


def _read_whole(response: HTTPResponse) -> bytes:
    return response.read()


def _range_start(header: str | None) -> int | None:
    """Where a `Content-Range: bytes START-END/TOTAL` answer starts."""
    if not header or not header.startswith("bytes "):
        return None
    start = header[len("bytes ") :].split("-", 1)[0]
    return int(start) if start.isdigit() else None


def retry_after(header: str | None, attempt: int, interval: float) -> float:
    """Seconds to wait: the header's seconds or date; without one, a doubling back-off."""
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            when = email.utils.parsedate_to_datetime(header)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            pass
    return max(interval, 1.0) * 2 ** (attempt + 1)


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split()) or "no answer"
