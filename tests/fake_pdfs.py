"""arXiv's PDF service on 127.0.0.1: `/pdf/ID` answers the PDF registered for ID, honouring
Range requests as arxiv.org does (with an ETag, and `If-Range`: a Range whose validator is
not the file's gets the whole file). `script` queues answers that come first (a body cut
short, an HTML error page served as the file, 404, 429); `requests` lists (path, Range
header), `if_ranges` the If-Range header of each request."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class PdfAnswer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/pdf"
    cut: bool = False  # announce the whole length, send half, close
    headers: tuple[tuple[str, str], ...] = ()
    etag: bool = True  # send the body's ETag (a strong one, as arxiv.org does)


class FakePdfServer:
    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files = dict(files or {})
        self.script: list[PdfAnswer] = []
        self.requests: list[tuple[str, str | None]] = []
        self.if_ranges: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                wanted_range = self.headers.get("Range")
                fake.requests.append((self.path, wanted_range))
                fake.if_ranges.append(self.headers.get("If-Range"))
                answer = fake.script.pop(0) if fake.script else fake.answer(self.path)
                body, status, extra = answer.body, answer.status, list(answer.headers)
                etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
                if status == 200 and answer.etag:
                    extra.append(("ETag", etag))
                if_range = self.headers.get("If-Range")
                if if_range is not None and if_range != etag:
                    wanted_range = None  # the file changed since: all of it, as RFC 9110 says
                if status == 200 and wanted_range and wanted_range.startswith("bytes="):
                    start = int(wanted_range[len("bytes=") :].split("-")[0])
                    if start >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(body)}")
                        self.end_headers()
                        return
                    extra.append(("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}"))
                    body, status = body[start:], 206
                self.send_response(status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in extra:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if answer.cut else body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer(self, path: str) -> PdfAnswer:
        arxiv_id = path.removeprefix("/pdf/")
        if path.startswith("/pdf/") and arxiv_id in self.files:
            return PdfAnswer(body=self.files[arxiv_id])
        return PdfAnswer(404, b"<html><body>not found</body></html>", "text/html")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
