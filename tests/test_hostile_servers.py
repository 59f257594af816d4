"""The polite client against servers that misbehave on purpose, on 127.0.0.1: answers that
never end or drip a byte at a time, lying headers, redirect loops, resumptions that would
glue two different files together, OAI servers that repeat their resumption token. Every
case ends in bounded memory, bounded time, and one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

from fake_feeds import OAI_PAGES, Scripted
from fake_pdfs import FakePdfServer, PdfAnswer
from papertui.cli import main
from papertui.pdfs.download import Wanted, download_pdf
from papertui.pdfs.store import PdfStore
from papertui.sources.config import fetch_plan
from papertui.sources.bounded import content_range, header_int
from papertui.sources.http import Client, FetchError, Throttle, retry_after
from papertui.sources.library import Library, library_dir
from papertui.sources.limits import MB, Limits, limit_settings
from papertui.sources.runs import Clients, run_plan
from papertui.storage.files import data_dir as data_directory
from pdf_writer import make_pdf


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class HostileServer:
    """Each request is answered by `answer(handler)`, which writes whatever it likes."""

    answer: Callable[[BaseHTTPRequestHandler], None]
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def handle_one(self) -> None:
                length = self.headers.get("Content-Length")
                body = self.rfile.read(int(length)) if length else b""
                fake.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                try:
                    fake.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up on an endless answer: as it should

            do_GET = do_POST = handle_one  # noqa: N815 (the http.server names)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    servers: list[HostileServer] = []

    def start(answer: Callable[[BaseHTTPRequestHandler], None]) -> HostileServer:
        servers.append(HostileServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None, length: bool = True):
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def client(**fields) -> Client:
    return Client("the test service", Throttle(0.0, sleep=lambda seconds: None), **fields)


# --- POST and extra headers (for the citations client) ---------------------------------------------


def test_post_sends_json_and_the_clients_extra_headers(serve):
    server = serve(reply(200, b'{"data": []}', {"Content-Type": "application/json"}))
    answer = client(headers={"x-api-key": "k123"}).post(server.url + "/graph/v1/paper/batch", {"ids": ["ARXIV:1706.03762"]})
    assert answer == b'{"data": []}'
    (seen,) = server.seen
    assert seen.method == "POST" and seen.path == "/graph/v1/paper/batch"
    assert json.loads(seen.body) == {"ids": ["ARXIV:1706.03762"]}
    assert seen.headers["content-type"] == "application/json" and seen.headers["x-api-key"] == "k123"
    assert seen.headers["user-agent"].startswith("papertui/")


def test_post_of_bytes_is_sent_as_given_and_a_get_carries_the_headers_too(serve):
    server = serve(reply(200, b"ok"))
    service = client(headers={"x-api-key": "k"})
    assert service.post(server.url, b'{"a": 1}') == b"ok"
    assert service.get(server.url + "/x") == b"ok"
    assert [s.method for s in server.seen] == ["POST", "GET"]
    assert server.seen[0].body == b'{"a": 1}' and server.seen[1].headers["x-api-key"] == "k"


def test_post_is_retried_after_429_with_the_same_body(serve):
    answers = [reply(429, b"slow down", {"Retry-After": "2"}), reply(200, b"done")]
    server = serve(lambda handler: answers.pop(0)(handler))
    waits: list[float] = []
    service = Client("the test service", Throttle(0.0, sleep=waits.append))
    assert service.post(server.url, {"q": 1}) == b"done"
    assert [s.body for s in server.seen] == [b'{"q": 1}'] * 2 and 2.0 in waits


def test_a_refused_post_is_one_line(serve):
    server = serve(reply(403, b"<html>forbidden</html>"))
    with pytest.raises(FetchError) as caught:
        client().post(server.url, {"q": 1})
    assert str(caught.value) == "the test service answered HTTP 403 Forbidden"


# --- hostile answers: endless, dripping, lying ------------------------------------------------------


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A 200 whose body never ends (no Content-Length: it runs until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.end_headers()
    chunk = b"%PDF-" + b"x" * (1 << 16)
    while True:
        handler.wfile.write(chunk)


def dripping(handler: BaseHTTPRequestHandler) -> None:
    """A 200 that sends a byte every 0.2 s, for ever: each read is quick, the answer never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.end_headers()
    handler.wfile.write(b"%PDF-")
    while True:
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def dripping_headers(handler: BaseHTTPRequestHandler) -> None:
    """A status line, then a header line that never ends, a byte every 0.2 s."""
    handler.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
    while True:
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def small(**fields) -> Limits:
    return Limits(**{"answer_bytes": MB, "pdf_bytes": 2 * MB, "answer_seconds": 30.0, "pdf_seconds": 30.0, **fields})


def data_files() -> dict[str, int]:
    root = data_directory()
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()} if root.is_dir() else {}


def test_an_endless_answer_stops_at_the_cap_with_one_line(serve):
    server = serve(endless)
    with pytest.raises(FetchError) as caught:
        client(limits=small()).get(server.url + "/api")
    assert str(caught.value).startswith("the test service sent an answer larger than 1 MB")
    assert "\n" not in str(caught.value) and "answer_mb" in str(caught.value)
    assert len(server.seen) == 1  # not asked again


def test_an_endless_pdf_stops_at_the_cap_and_nothing_is_kept(serve, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = serve(endless)
    part = data_directory() / "pdfs" / "2401.00001.pdf.part"
    part.parent.mkdir(parents=True)
    with pytest.raises(FetchError) as caught:
        client(limits=small()).download(server.url + "/pdf/2401.00001", part)
    assert "larger than 2 MB" in str(caught.value) and "pdf_mb" in str(caught.value)
    assert data_files() == {} and list(tmp_path.iterdir()) == []  # nothing kept, nothing written elsewhere


PEAK_RSS = """
import resource, sys
from papertui.sources.config import fetch_plan
from papertui.sources.http import Client, FetchError, Throttle
try:
    Client("the test service", Throttle(0.0)).get(sys.argv[1])
    print("no error")
except FetchError as error:
    print(error)
try:  # this process's own peak: ru_maxrss also counts the copy of pytest it was forked from
    print(next(int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_an_endless_answer_with_the_default_limits_stays_under_500_mb(serve, tmp_path):
    server = serve(endless)
    env = {**os.environ, "PAPERTUI_CONFIG": str(tmp_path / "none.toml")}
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, server.url + "/api"], capture_output=True, text=True, timeout=60, env=env)
    message, peak_mb = done.stdout.splitlines()
    assert message.startswith("the test service sent an answer larger than 64 MB"), done.stderr
    print(f"peak RSS reading an endless answer (64 MB cap): {peak_mb} MB")
    assert int(peak_mb) < 500


@pytest.mark.parametrize("kind", ["get", "download"])
def test_a_dripping_answer_stops_at_the_deadline(serve, kind):
    server = serve(dripping)
    part = data_directory() / "drip.pdf.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    service = client(limits=small(answer_seconds=1.0, pdf_seconds=1.0))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        service.get(server.url) if kind == "get" else service.download(server.url, part)
    assert time.monotonic() - started < 5.0  # the deadline, not the drip, ended it
    assert str(caught.value).startswith("the test service took longer than 1 s to answer")
    assert len(server.seen) == 1 and "\n" not in str(caught.value)
    if kind == "download":
        assert "resumes next time" in str(caught.value) and part.read_bytes().startswith(b"%PDF-x")


def test_dripping_headers_stop_at_the_deadline_too(serve):
    server = serve(dripping_headers)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        client(limits=small(answer_seconds=1.0)).get(server.url)
    assert time.monotonic() - started < 5.0
    assert str(caught.value).startswith("the test service took longer than 1 s to answer")


def test_a_huge_content_length_on_a_short_body_is_one_line(serve):
    server = serve(reply(200, b"[]", {"Content-Length": str(10**12)}, length=False))
    with pytest.raises(FetchError) as caught:
        client().get(server.url)
    assert str(caught.value).startswith("the test service announced an answer of 1,000,000 MB, larger than 64 MB; it was not kept")
    assert len(server.seen) == 1


@pytest.mark.parametrize("header", ["Content-Length", "Retry-After"])
def test_non_ascii_digits_in_headers_are_no_numbers(serve, header):
    """`"²".isdigit()` is true, and int("²") raises: the header is taken as absent."""
    answers = [reply(429, b"", {"Retry-After": "²"}), reply(200, b"[]")] if header == "Retry-After" else [reply(200, b"[]", {"Content-Length": "²"}, length=False)]
    server = serve(lambda handler: answers.pop(0)(handler))
    waits: list[float] = []
    assert Client("the test service", Throttle(0.0, sleep=waits.append)).get(server.url) == b"[]"
    assert len(server.seen) == len(waits) + 1 and waits in ([], [2.0])  # a back-off instead


def test_a_non_ascii_content_length_on_a_download_is_no_number(serve):
    server = serve(reply(200, b"%PDF-1.4 whole", {"Content-Type": "application/pdf", "Content-Length": "²"}, length=False))
    part = data_directory() / "x.pdf.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    client().download(server.url, part)
    assert part.read_bytes() == b"%PDF-1.4 whole"


def test_header_numbers():
    assert header_int("123") == 123 and header_int(" 7 ") == 7
    assert header_int("²") is header_int("١٢") is header_int("-1") is header_int("1e3") is header_int("9" * 40) is None
    assert content_range("bytes 5-9/10") == (5, 9, 10) and content_range("bytes */10") == (-1, None, 10)
    assert content_range("bytes 5-9/*") == (5, 9, None)
    assert content_range("bytes ²-") is content_range("bytes 9-5/10") is content_range("bytes 5-10/10") is None
    assert retry_after("²", 0, 3.0) == 6.0 and retry_after("99999999999999999999", 0, 3.0) == 6.0


# --- redirects ------------------------------------------------------------------------------------


def test_a_redirect_loop_is_one_line(serve):
    server = serve(lambda handler: reply(302, b"", {"Location": "/a" if handler.path == "/b" else "/b"})(handler))
    with pytest.raises(FetchError) as caught:
        client().get(server.url + "/a")
    assert str(caught.value) == "the test service redirects in a loop (2 redirects); nothing was fetched"


def test_an_endless_redirect_chain_stops(serve):
    server = serve(lambda handler: reply(302, b"", {"Location": handler.path + "x"})(handler))
    with pytest.raises(FetchError) as caught:
        client().get(server.url + "/a")
    assert str(caught.value) == "the test service redirects more than 10 times; nothing was fetched" and len(server.seen) == 11


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/pub/paper.pdf", "file:///etc/passwd", "data:,hello"])
def test_a_redirect_away_from_http_is_not_followed(serve, target):
    server = serve(reply(301, b"", {"Location": target}))
    with pytest.raises(FetchError) as caught:
        client().get(server.url)
    scheme = target.split(":")[0]
    assert str(caught.value) == (
        f"the test service redirected to a {scheme}: address; papertui follows only http and https; nothing was fetched"
    )


def test_a_redirect_within_http_is_followed(serve):
    server = serve(lambda handler: (reply(200, b"here") if handler.path == "/new" else reply(302, b"", {"Location": "/new"}))(handler))
    assert client().get(server.url + "/old") == b"here"


def test_an_http_reason_with_control_characters_is_shown_escaped(serve):
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.0 500 Oops \x1b[2J\x07 gone\r\nContent-Length: 0\r\n\r\n")

    server = serve(answer)
    with pytest.raises(FetchError) as caught:
        client().get(server.url)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value) and "\\x1b[2J" in str(caught.value)


# --- the limits' settings -------------------------------------------------------------------------------


def test_limits_come_from_the_config_table_and_the_environment_wins():
    config = {"limits": {"answer_mb": 2, "pdf_mb": "x", "pdf_seconds": 10**30, "answer_seconds": 7.5}}
    settings, problems = limit_settings(config, {"PAPERTUI_ANSWER_SECONDS": "²", "PAPERTUI_PDF_MB": "0.5", "PAPERTUI_ANSWER_MB": "3"})
    assert settings == {"answer_mb": 3.0, "pdf_mb": 0.5, "answer_seconds": 7.5}
    assert problems == [
        "[limits] pdf_mb = 'x': give a number from 0.001 to 100,000; ignored",
        "$PAPERTUI_ANSWER_SECONDS = '²': give a number from 0.1 to 86,400; ignored",
        "[limits] pdf_seconds = a number of 100 bits: give a number from 0.1 to 86,400; ignored",
    ]
    assert limit_settings({"limits": [1] * 1000}, {})[1] == ["limits = a list of 1,000 items: give a table, as [limits] answer_mb = 64; ignored"]


def test_a_client_takes_its_limits_from_the_config_file(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text("[limits]\nanswer_mb = 5\npdf_seconds = 60\n")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("PAPERTUI_PDF_MB", "10")
    assert client().limits == Limits(answer_bytes=5 * MB, pdf_bytes=10 * MB, pdf_seconds=60.0)


# --- resumed downloads --------------------------------------------------------------------------------

FIRST = make_pdf(["Attention Is All You Need", "The dominant sequence transduction models are based on recurrent networks."])
SECOND = make_pdf(["Attention Is All You Need (v2)", "A different file of the same paper, announced since the first try."])


@pytest.fixture
def pdfs(monkeypatch):
    server = FakePdfServer({"1706.03762": FIRST})
    monkeypatch.setenv("PAPERTUI_ARXIV_PDF", server.url)
    yield server
    server.close()


def pdf_client(retries: int = 3) -> Client:
    return client(retries=retries)


def cut_first_try(pdfs: FakePdfServer, store: PdfStore) -> Path:
    """A first download cut in half with no retry left: the part holds half the file."""
    pdfs.script = [PdfAnswer(body=FIRST, cut=True)]
    with pytest.raises(FetchError, match="cut its answer short"):
        download_pdf(store, pdf_client(retries=0), Wanted("1706.03762"))
    part = store.root / "1706.03762.pdf.part"
    assert part.read_bytes() == FIRST[: len(FIRST) // 2]
    return part


def test_a_file_changed_between_two_tries_is_downloaded_whole_not_glued(pdfs):
    store = PdfStore()
    cut_first_try(pdfs, store)
    pdfs.files["1706.03762"] = SECOND  # a new version announced meanwhile
    pdf = download_pdf(store, pdf_client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == SECOND
    assert pdfs.requests[1] == ("/pdf/1706.03762", f"bytes={len(FIRST) // 2}-")
    assert pdfs.if_ranges[1] is not None and pdfs.if_ranges[1].startswith('"')  # the first answer's ETag
    assert not list(store.root.glob("*.part*"))


def test_an_unchanged_file_is_resumed_from_where_it_stopped(pdfs):
    store = PdfStore()
    cut_first_try(pdfs, store)
    pdf = download_pdf(store, pdf_client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == FIRST and len(pdfs.requests) == 2  # the rest only
    assert not list(store.root.glob("*.part*"))


def test_a_416_on_a_half_file_starts_over(pdfs):
    store = PdfStore()
    cut_first_try(pdfs, store)
    pdfs.script = [PdfAnswer(416, headers=(("Content-Range", f"bytes */{len(FIRST)}"),))]  # the part is not the file
    pdf = download_pdf(store, pdf_client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == FIRST
    assert [r[1] for r in pdfs.requests] == [None, f"bytes={len(FIRST) // 2}-", None]


def test_a_416_without_a_size_on_a_half_file_starts_over(pdfs):
    store = PdfStore()
    cut_first_try(pdfs, store)
    pdfs.script = [PdfAnswer(416)]
    assert download_pdf(store, pdf_client(), Wanted("1706.03762")).path.read_bytes() == FIRST


def test_a_part_without_a_validator_is_not_resumed(pdfs):
    store = PdfStore()
    store.root.mkdir(parents=True)
    (store.root / "1706.03762.pdf.part").write_bytes(SECOND[:300])  # left by hand, or by an older papertui
    assert download_pdf(store, pdf_client(), Wanted("1706.03762")).path.read_bytes() == FIRST
    assert pdfs.requests == [("/pdf/1706.03762", None)]


class Resuming:
    """A server that cuts its first answer in half, then answers a Range request with `ranged`."""

    def __init__(self, body: bytes, ranged: Callable[[BaseHTTPRequestHandler, bytes, int], None]) -> None:
        self.body, self.ranged, self.first = body, ranged, True

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        wanted = handler.headers.get("Range")
        if wanted and not self.first:
            return self.ranged(handler, self.body, int(wanted.removeprefix("bytes=").rstrip("-")))
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("ETag", '"one"')
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body[: len(self.body) // 2] if self.first else self.body)
        self.first = False


def partial(handler: BaseHTTPRequestHandler, content_range: str, body: bytes) -> None:
    handler.send_response(206)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Content-Range", content_range)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


RANGED_ANSWERS = {
    "a 200 to a Range request": lambda handler, body, start: reply(200, body, {"Content-Type": "application/pdf"})(handler),
    "a 206 that starts elsewhere": lambda handler, body, start: partial(handler, f"bytes 10-{len(body) - 1}/{len(body)}", body[10:]),
    "a 206 with non-ASCII digits": lambda handler, body, start: partial(handler, "bytes ²-", body[start:]),
    "a 206 of another size": lambda handler, body, start: partial(handler, f"bytes {start}-{len(body)}/{len(body) + 1}", body[start:] + b"!"),
}


@pytest.mark.parametrize("ranged", RANGED_ANSWERS, ids=list(RANGED_ANSWERS))
def test_a_resumption_that_does_not_continue_the_part_starts_over(serve, ranged):
    server = serve(Resuming(FIRST, RANGED_ANSWERS[ranged]))
    part = data_directory() / "pdfs" / "x.pdf.part"
    part.parent.mkdir(parents=True)
    with pytest.raises(FetchError, match="cut its answer short"):
        client(retries=0).download(server.url, part)
    client().download(server.url, part)
    assert part.read_bytes() == FIRST
    assert server.seen[1].headers["if-range"] == '"one"' and server.seen[1].headers["range"] == f"bytes={len(FIRST) // 2}-"
    assert not part.with_name("x.pdf.part.validator").exists()


# --- OAI-PMH: a token given twice, a hand-edited state file ---------------------------------------------

HARVEST = "cs-start-now-oai_dc"  # the state's name of `fetch oai --set cs`




def fetch(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored_ids() -> list[str]:
    return [json.loads(line)["id"] for path in sorted(library_dir().rglob("*.jsonl")) for line in path.read_text().splitlines()]


def oai_page(token: str | None) -> Scripted:
    return Scripted(body=OAI_PAGES[token].read_bytes())


LAST_PAGE = oai_page("6511260|2001")  # a page without a token: the harvest ends there
LAST_PAGE_PAPERS = 265


def test_a_resumption_token_given_again_stops_the_harvest_without_duplicates(capsys, feeds):
    feeds.script = [oai_page(None), oai_page(None)]  # page 1, then page 1 again: the same token
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1 and len(feeds.requests) == 2
    assert err.strip().splitlines()[-1] == (
        "papertui: error: the OAI-PMH service gave a resumption token it had given before (page 2), which would never end; "
        "the harvest stops here, 1,000 papers stored are kept; what was fetched before is kept"
    )
    assert len(stored_ids()) == len(set(stored_ids())) == 1000
    assert sorted(p.name for p in (library_dir() / "oai" / HARVEST).iterdir()) == ["page-0001.jsonl"]
    assert HARVEST not in json.loads((library_dir() / "oai" / ".harvests.json").read_text())  # next time: from the start


def test_tokens_that_go_round_in_a_circle_stop_too(capsys, feeds):
    feeds.script = [oai_page(None), oai_page("6511260|1001"), oai_page(None)]  # 1001, 2001, then 1001 again
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1 and "gave a resumption token it had given before (page 3)" in err
    assert len(stored_ids()) == len(set(stored_ids())) == 2000  # page 1 given again added nothing


STATE_FILES = {
    "not JSON": b"{not json",
    "a list": b"[1, 2, 3]",
    "a page as text": json.dumps({HARVEST: {"token": "6511260|1001", "page": "two"}}).encode(),
    "a huge page": json.dumps({HARVEST: {"token": "6511260|1001", "page": 10**30}}).encode(),
    "a token as a number": json.dumps({HARVEST: {"token": 6511260, "page": 1}}).encode(),
    "a size as text": json.dumps({HARVEST: {"token": "6511260|1001", "page": 1, "size": "big"}}).encode(),
    "an entry as a list": json.dumps({HARVEST: ["6511260|1001", 1]}).encode(),
    "a token with a newline": json.dumps({HARVEST: {"token": "6511260|1001\n", "page": 1}}).encode(),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b"\xff\xfe{",
}


@pytest.mark.parametrize("kind", [*STATE_FILES, "a FIFO"])
def test_a_hand_edited_harvest_state_starts_over_with_one_line(capsys, feeds, kind):
    state = library_dir() / "oai" / ".harvests.json"
    state.parent.mkdir(parents=True)
    if kind == "a FIFO":
        os.mkfifo(state)
    else:
        state.write_bytes(STATE_FILES[kind])
    feeds.script = [LAST_PAGE]
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 0, err
    assert feeds.requests == ["/oai?verb=ListRecords&metadataPrefix=oai_dc&set=cs"]  # from the first page
    problem = [line for line in err.splitlines() if "starts over" in line]
    assert len(problem) == 1 and problem[0].endswith("; the harvest starts over from its first page")
    assert len(stored_ids()) == LAST_PAGE_PAPERS and state.is_file()


def test_a_directory_in_place_of_the_harvest_state_is_one_line(capsys, feeds):
    state = library_dir() / "oai" / ".harvests.json"
    state.mkdir(parents=True)
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1
    assert err.splitlines() == [f"papertui: error: cannot write {state}: Is a directory"]
    assert len(stored_ids()) == 1000  # the first page stays


@pytest.mark.parametrize("last", ["2026-13-45", "tomorrow", 20260101, "9999-12-31", None])
def test_a_hand_edited_last_harvest_day_harvests_the_last_week(capsys, feeds, tmp_path, monkeypatch, last):
    (tmp_path / "config.toml").write_text('[fetch]\noai = "cs"\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "config.toml"))
    (library_dir() / "oai").mkdir(parents=True)
    (library_dir() / "oai" / ".last.json").write_text(json.dumps({"cs": last}) if last else "[not json")
    feeds.script = [LAST_PAGE]
    plan = fetch_plan({"oai": "cs"})
    reports = run_plan(plan, Library(), Clients(), today=date(2026, 8, 14))
    assert "from=2026-08-07" in feeds.requests[0]
    said = [line for line in reports[0].lines if line.startswith("the last harvest day of cs in ")]
    assert said == ([] if last is None else [said[0]]) and (not said or said[0].endswith("; harvesting the last 7 days"))
    assert json.loads((library_dir() / "oai" / ".last.json").read_text()) == {"cs": "2026-08-14"}


def test_fetch_keeps_the_deadline_set_in_the_environment(capsys, serve, monkeypatch, clock):
    server = serve(dripping)
    monkeypatch.setenv("PAPERTUI_HF_API", server.url)
    monkeypatch.setenv("PAPERTUI_ANSWER_SECONDS", "1")
    monkeypatch.setenv("PAPERTUI_PDF_MB", "lots")
    started = time.monotonic()
    code, out, err = fetch(capsys, "fetch", "hf", "--date", "2024-10-21")
    assert code == 1 and time.monotonic() - started < 5.0
    assert err.splitlines() == [
        "papertui: warning: $PAPERTUI_PDF_MB = 'lots': give a number from 0.001 to 100,000; ignored",
        "papertui: error: the Hugging Face API took longer than 1 s to answer; stopped there (the limit is "
        "$PAPERTUI_ANSWER_SECONDS or answer_seconds in [limits] of the config file); what was fetched before is kept",
    ]


@pytest.mark.parametrize("where", ["x.pdf.part", "x.pdf.part.validator"])
def test_a_fifo_in_place_of_the_part_is_one_line_not_a_hang(serve, where):
    server = serve(reply(200, b"%PDF-1.4 whole", {"Content-Type": "application/pdf", "ETag": '"e"'}))
    part = data_directory() / "pdfs" / "x.pdf.part"
    part.parent.mkdir(parents=True)
    os.mkfifo(part.parent / where)
    with pytest.raises(FetchError) as caught:
        client().download(server.url, part)
    assert str(caught.value) == f"cannot write {part.parent / where} (it is a named pipe (FIFO), not a file); remove it and try again"


def test_an_answer_that_is_not_http_is_one_line(serve):
    server = serve(lambda handler: handler.wfile.write(b"HTTP/1.1 200 OK\r\n" + b"X-Many: y\r\n" * 200 + b"\r\n"))
    with pytest.raises(FetchError) as caught:
        client().get(server.url)
    assert str(caught.value) == (
        f"the test service at {server.url.removeprefix('http://')} sent an answer that is not HTTP papertui can read (got more than 100 headers)"
    )


def test_an_endless_chunked_answer_stops_at_the_cap(serve):
    def chunked(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        while True:
            handler.wfile.write(b"FFFFFFFFFFFF\r\n" + b"x" * (1 << 16))  # a chunk of 281 TB announced

    server = serve(chunked)
    with pytest.raises(FetchError, match="larger than 1 MB"):
        client(limits=small()).get(server.url)


def oai_page_with_token(token: str | None, fresh: str, size: int | None = None) -> Scripted:
    """A recorded page whose resumption token (and announced list size) a server made up."""
    body = OAI_PAGES[token].read_bytes()
    body = body.replace(b">6511260|1001<", f">{fresh}<".encode()).replace(b">6511260|2001<", f">{fresh}<".encode())
    if size is not None:
        body = body.replace(b'completeListSize="2265"', f'completeListSize="{size}"'.encode())
    return Scripted(body=body)


def test_fresh_tokens_for_pages_already_given_stop_the_harvest(capsys, feeds):
    """A new token every time, for the same page again and again: no token repeats, so only the
    pages that add nothing can tell that it would never end."""
    feeds.script = [oai_page_with_token(None, f"fresh-{n}") for n in range(20)]
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1 and len(feeds.requests) == 4  # page 1, then three that add nothing
    assert "gave 3 pages in a row with no paper it had not given before" in err.strip().splitlines()[-1]
    assert len(stored_ids()) == len(set(stored_ids())) == 1000
    assert HARVEST not in json.loads((library_dir() / "oai" / ".harvests.json").read_text())


def test_more_papers_than_the_list_said_it_holds_stop_the_harvest(capsys, feeds):
    """New papers for ever under fresh tokens: the list's announced size bounds what is stored."""
    feeds.script = [oai_page_with_token(None, "fresh-1", size=500), oai_page_with_token("6511260|1001", "fresh-2", size=500), LAST_PAGE]
    code, out, err = fetch(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1 and len(feeds.requests) == 2
    assert "gave more papers than the 500 it said the list holds" in err.strip().splitlines()[-1]
    assert len(stored_ids()) == 2000  # what was stored stays
