"""A stand-in for the arXiv API on 127.0.0.1, answering with entries recorded in the real
API answer in tests/fixtures (so no test ever touches the network)."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = (Path(__file__).parent / "fixtures" / "arxiv-api-query-testing.atom.xml").read_text(encoding="utf-8")
_ENTRIES = {
    re.search(r"<id>http://arxiv.org/abs/([^<]+?)(?:v\d+)?</id>", entry).group(1): entry
    for entry in re.findall(r"<entry>.*?</entry>", RECORDED, re.DOTALL)
}
_HEAD = RECORDED[: RECORDED.index("<entry>")]


def feed(*arxiv_ids: str) -> bytes:
    """An API answer holding the recorded entries of these ids (none: an empty answer)."""
    return (_HEAD + "".join(_ENTRIES[i] for i in arxiv_ids) + "</feed>\n").encode("utf-8")


class FakeArxiv:
    """Serves `answers[search_query]` = (status, body); anything else gets an empty feed.
    `asked` lists every search_query in the order it came."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.asked: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                query = parse_qs(urlsplit(self.path).query).get("search_query", [""])[0]
                fake.asked.append(query)
                status, body = fake.answers.get(query, (200, feed()))
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/query"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def answer(self, title_words: str, body: bytes, status: int = 200) -> None:
        self.answers[f'ti:"{title_words}"'] = (status, body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
