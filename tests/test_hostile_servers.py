"""The polite client against servers that misbehave on purpose, on 127.0.0.1: answers that
never end or drip a byte at a time, lying headers, redirect loops, resumptions that would
glue two different files together, OAI servers that repeat their resumption token. Every
case ends in bounded memory, bounded time, and one line."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from papertui.sources.http import Client, FetchError, Throttle


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
