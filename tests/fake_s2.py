"""A stand-in for Semantic Scholar on 127.0.0.1, replaying real recorded answers from
tests/fixtures/semanticscholar (see its README), so that no test ever touches the network.

- `POST /graph/v1/paper/batch`: the recorded answer for the recorded request's ids; else each id looked up in `papers` (filled from the real nested
  citations of `Paper.json`: 243 with an arXiv id, by `ARXIV:<id>`, and by `DOI:<doi>`), cut to
  the fields asked, as the service does; an id not there is `null`.
- `GET /graph/v1/paper/10.2139/ssrn.2250500/citations` and `/references`: the recorded pages
  (3 of citations, by offset 0/100/200; 2 of references, by offset 0/50).
- `GET /graph/v1/paper/0` the recorded 404, `?fields=unknown` the recorded 400, the Turing
  paper by its DOI with `fields=title` the recorded answer.
- `POST /recommendations/v1/papers/`: the recorded 100 recommendations.
- Hostile answers: `script` holds replies served first, in order, whatever was asked (429 with
  Retry-After, a 5xx, a body cut short, a stall).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "semanticscholar"
PAPER = json.loads((FIXTURES / "Paper.json").read_text(encoding="utf-8"))
GRAPH_PAPER = "10.2139/ssrn.2250500"  # the paper whose recorded citations and references are served


def recorded(name: str) -> tuple[int, bytes]:
    """The status and body of the recorded interaction `name` (as `test_not_found-1`)."""
    request = (FIXTURES / f"{name}.request.txt").read_text(encoding="utf-8")
    status = int(re.search(r"^status: (\d+)", request, re.MULTILINE).group(1))
    return status, (FIXTURES / f"{name}.response.json").read_bytes()


# The ids of the recorded batch request (answered with authors only, as recorded).
RECORDED_BATCH_IDS = json.loads(
    re.search(r"^body: (.*)$", (FIXTURES / "test_get_papers-1.request.txt").read_text(encoding="utf-8"), re.MULTILINE).group(1)
)["ids"]


def citing_papers() -> list[dict[str, Any]]:
    """The real paper objects of Paper.json's nested citations (1,000)."""
    return PAPER["citations"]


def arxiv_papers() -> list[dict[str, Any]]:
    """Those with an arXiv id (243)."""
    return [paper for paper in citing_papers() if (paper.get("externalIds") or {}).get("ArXiv")]


def lookup_table() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for paper in [PAPER, *citing_papers(), *PAPER["references"]]:
        ids = paper.get("externalIds") or {}
        if ids.get("ArXiv"):
            table[f"ARXIV:{ids['ArXiv']}"] = paper
        if ids.get("DOI"):
            table[f"DOI:{ids['DOI'].lower()}"] = paper
        if paper.get("paperId"):
            table[paper["paperId"]] = paper
    return table


def only_fields(paper: dict[str, Any], fields: str) -> dict[str, Any]:
    """The paper as the service answers for `fields`: those keys (that it has) and paperId;
    `authors` as authorId and name."""
    wanted = {"paperId", *fields.split(",")}
    kept = {key: value for key, value in paper.items() if key in wanted}
    if isinstance(kept.get("authors"), list):
        kept["authors"] = [{"authorId": a.get("authorId"), "name": a.get("name")} for a in kept["authors"] if isinstance(a, dict)]
    return kept


@dataclass
class Reply:
    """A scripted answer: `cut` sends half the body under a Content-Length of all of it;
    `stall` waits that many seconds before answering."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cut: bool = False
    stall: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


class FakeS2:
    def __init__(self) -> None:
        self.papers: dict[str, dict[str, Any] | None] = lookup_table()
        self.script: list[Reply] = []
        self.seen: list[Seen] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                self._answer(None)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw
                self._answer(body)

            def _answer(self, body: Any) -> None:
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                fake.seen.append(Seen(self.command, unquote(parts.path), query, body, {k.lower(): v for k, v in self.headers.items()}))
                reply = fake.script.pop(0) if fake.script else fake.route(self.command, unquote(parts.path), query, body)
                if reply.stall:
                    time.sleep(reply.stall)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.cut:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body[: len(reply.body) // 2] if reply.cut else reply.body)
                if reply.cut:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> Reply:
        if method == "POST" and path == "/graph/v1/paper/batch":
            ids = body.get("ids") if isinstance(body, dict) else None
            if not isinstance(ids, list) or len(ids) > 500:
                return Reply(400, b'{"error":"Can only process 500 paper ids at a time"}')
            if ids == RECORDED_BATCH_IDS:
                return Reply(*recorded("test_get_papers-1"))
            found = [self.papers.get(i) for i in ids]
            fields = query.get("fields", "title")
            return Reply(200, json.dumps([only_fields(p, fields) if isinstance(p, dict) else p for p in found]).encode())
        if method == "POST" and path == "/recommendations/v1/papers/":
            return Reply(*recorded("test_get_recommended_papers_from_lists-1"))
        match = re.fullmatch(r"/graph/v1/paper/(.+)/(citations|references)", path)
        if method == "GET" and match and match.group(1) == GRAPH_PAPER:
            offset = int(query.get("offset", 0))
            if match.group(2) == "citations" and offset in (0, 100, 200):
                return Reply(*recorded(f"test_get_paper_citations_async-{offset // 100 + 1}"))
            if match.group(2) == "references" and offset in (0, 50):
                return Reply(*recorded(f"test_get_paper_references-{offset // 50 + 1}"))
        if method == "GET" and path.startswith("/graph/v1/paper/"):
            if query.get("fields") == "unknown":
                return Reply(*recorded("test_bad_query_parameters-1"))
            if path == "/graph/v1/paper/10.1093/mind/lix.236.433" and query.get("fields") == "title":
                return Reply(*recorded("test_get_paper-1"))
        return Reply(*recorded("test_not_found-1"))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
