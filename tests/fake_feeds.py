"""The listing services on 127.0.0.1, answering with the real recorded answers in tests/feeds
(see its README): Hugging Face daily papers by date, the arXiv RSS feed of cs.CL, the arXiv
API (a recorded category search; an id list answered from the recorded OAI-PMH record of
1706.03762), and OAI-PMH ListRecords over three pages with resumption tokens.

`script` queues answers that come before the normal ones (429 with Retry-After, 503, a body
cut short, an empty feed), and `requests` lists every path asked, in order.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FEEDS = Path(__file__).parent / "feeds"
RSS = FEEDS / "arxiv-rss-cs.CL-2026-08-13.xml"
CURRENT_HF = FEEDS / "hf-daily_papers-limit30-2026-06-13.json"  # its papers were listed on 2026-06-12
API_SEARCH = FEEDS / "arxiv-api-atom-cat_cs.AI_OR_cs.LG_OR_cs.CL-submittedDate-desc-start0-max25-2026-08-02.xml"
API_EMPTY = FEEDS / "arxiv-api-atom-zero-results-2026-08-14.xml"
OAI_PAGES = {
    None: FEEDS / "arxiv-oai-ListRecords-oai_dc-from2023-03-07-page1of3-token-REINDENTED.xml",
    "6511260|1001": FEEDS / "arxiv-oai-ListRecords-oai_dc-from2023-03-07-page2of3-token-REINDENTED.xml",
    "6511260|2001": FEEDS / "arxiv-oai-ListRecords-oai_dc-from2023-03-07-page3of3-emptytoken-REINDENTED.xml",
}
OAI_NO_RECORDS = FEEDS / "arxiv-oai-error-noRecordsMatch-arXivRaw-set_moo-2015-06-23.xml"
OAI_RECORD = FEEDS / "arxiv-oaipmh-new-GetRecord-arXivRaw-1706.03762-2026-08-12.xml"
EMPTY_RSS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0">'
    "<channel><title>cs.CL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL</link>"
    "<pubDate>Sat, 15 Aug 2026 00:00:00 -0400</pubDate></channel></rss>\n"
).encode()


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    cut: bool = False  # announce the whole length, send half, close


def atom_from_oai_record() -> bytes:
    """An API answer for `id_list=1706.03762`, made of the recorded OAI-PMH record's fields."""
    raw = OAI_RECORD.read_text(encoding="utf-8")
    field = lambda name: " ".join(re.search(rf"<{name}>(.*?)</{name}>", raw, re.DOTALL).group(1).split())  # noqa: E731
    authors = "".join(f"<author><name>{escape(a.strip())}</name></author>" for a in re.split(r",\s*|\s+and\s+", field("authors")))
    categories = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in field("categories").split())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<entry><id>http://arxiv.org/abs/1706.03762v7</id><published>2017-06-12T17:57:34Z</published>"
        f"<title>{escape(field('title'))}</title><summary>{escape(field('abstract'))}</summary>{authors}"
        '<link href="http://arxiv.org/abs/1706.03762v7" rel="alternate" type="text/html"/>'
        f"{categories}</entry></feed>\n"
    ).encode()


class FakeFeeds:
    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                fake.requests.append(self.path)
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                answer = fake.script.pop(0) if fake.script else fake.answer(self.path)
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body[: len(answer.body) // 2] if answer.cut else answer.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def answer(self, path: str) -> Scripted:
        parts = urlsplit(path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/api/daily_papers":
            day = FEEDS / "hf-daily" / f"{query.get('date', '')}.json"
            if query.get("date") == "2026-06-12":  # the current answer's shape (GitHub links and stars)
                day = CURRENT_HF
            return Scripted(body=day.read_bytes() if day.is_file() else b"[]")
        if parts.path.startswith("/rss/"):
            return Scripted(body=RSS.read_bytes() if parts.path == "/rss/cs.CL" else EMPTY_RSS)
        if parts.path == "/api/query":
            if query.get("id_list") == "1706.03762":
                return Scripted(body=atom_from_oai_record())
            if "search_query" in query and query.get("start", "0") == "0":
                return Scripted(body=API_SEARCH.read_bytes())
            return Scripted(body=API_EMPTY.read_bytes())
        if parts.path == "/oai":
            if query.get("set") == "moo":
                return Scripted(body=OAI_NO_RECORDS.read_bytes())
            page = OAI_PAGES.get(query.get("resumptionToken"))
            if page is None:
                return Scripted(body=b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                                     b'<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>')
            return Scripted(body=page.read_bytes())
        return Scripted(status=404, body=b"not found")

    def environment(self) -> dict[str, str]:
        return {
            "PAPERTUI_HF_API": self.url,
            "PAPERTUI_ARXIV_API": f"{self.url}/api/query",
            "PAPERTUI_ARXIV_RSS": self.url,
            "PAPERTUI_ARXIV_OAI": f"{self.url}/oai",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
