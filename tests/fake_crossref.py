"""A stand-in for Crossref's REST API on 127.0.0.1: `GET /works/{doi}` answers the work in
tests/fixtures/crossref-work-tacl_a_00638.json (built from Crossref's documented work schema,
CrossRef/rest-api-doc api_format.md, with the fields a real answer carries) for its DOI, and
`Resource not found.` with 404 for any other, as Crossref does. `works` adds or replaces
answers; `asked` lists each DOI asked (the path decoded) and `user_agents` each User-Agent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

WORK_FILE = Path(__file__).parent / "fixtures" / "crossref-work-tacl_a_00638.json"
WORK_DOI = "10.1162/tacl_a_00638"


def recorded_work() -> dict[str, Any]:
    return json.loads(WORK_FILE.read_text(encoding="utf-8"))["message"]


class FakeCrossref:
    def __init__(self) -> None:
        self.works: dict[str, tuple[int, bytes]] = {WORK_DOI.lower(): (200, WORK_FILE.read_bytes())}
        self.asked: list[str] = []
        self.user_agents: list[str] = []
        self.delay = 0.0  # seconds before each answer's body: a slow server
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                path = urlsplit(self.path).path
                doi = unquote(path.removeprefix("/works/"))
                fake.asked.append(doi)
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                status, body = fake.works.get(doi.lower(), (404, b"Resource not found."))
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up first

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def answer(self, doi: str, work: Any, status: int = 200) -> None:
        body = work if isinstance(work, bytes) else json.dumps({"status": "ok", "message-type": "work", "message": work}).encode()
        self.works[doi.lower()] = (status, body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
