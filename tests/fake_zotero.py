"""A stand-in for Zotero's connector server on 127.0.0.1 that records what it is sent.

It answers as Zotero 7's server does (zotero/zotero, chrome/content/zotero/xpcom/server/
server.js and server_connector.js): `GET /connector/ping` → 200 "Zotero is running";
`POST /connector/getSelectedCollection` → the selected target; `POST /connector/saveItems`
→ 201 (409 for a session id used before, 500 `{libraryEditable: false}` for a read-only
library); `POST /connector/saveAttachment?sessionID=` with `X-Metadata` → 201, 200 when the
library keeps no files, 400 for an unknown session. A Host that is not 127.0.0.1/localhost
gets 400, as in Zotero; a request with a browser's User-Agent and no connector API version
is dropped, as in Zotero.

What it was sent: `pings`, `items` (each saveItems body, parsed), `attachments` (metadata,
content type, bytes, session). `mode` makes it misbehave: "refuse" (HTTP 500 to everything),
"stall" (read the request, never answer), "refuse-saves" (ping fine, saveItems 500), "huge"
(answers of 2 MB).
`closed_url()` is an address where nothing listens.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Attachment:
    metadata: dict
    content_type: str
    data: bytes
    session: str


class FakeZotero:
    def __init__(self, collection: str = "Reading", editable: bool = True, files_editable: bool = True) -> None:
        self.collection = collection
        self.editable = editable
        self.files_editable = files_editable
        self.mode = ""
        self.pings = 0
        self.items: list[dict] = []  # each saveItems body
        self.attachments: list[Attachment] = []
        self.sessions: dict[str, list[str]] = {}  # session id → the connector ids of its items
        self.headers: list[dict[str, str]] = []  # of every request
        self.stalled = threading.Event()
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                self._answer("GET", b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                self._answer("POST", self.rfile.read(length))

            def _answer(self, method: str, body: bytes) -> None:
                fake.headers.append(dict(self.headers.items()))
                if fake.mode == "stall":
                    fake.stalled.set()
                    fake._release.wait(30)
                    self.close_connection = True
                    return
                status, kind, answer = fake.handle(method, self.path, dict(self.headers.items()), body)
                if status is None:  # dropped, as Zotero drops a browser's request
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                try:
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client stopped reading (an answer over its cap)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:  # noqa: ANN001
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that left early: said by the test
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    # --- what Zotero would answer -------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str, bytes]:
        lower = {name.lower(): value for name, value in headers.items()}
        host = lower.get("host", "").rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            return 400, "text/plain", b"Invalid Host header\n"
        if lower.get("user-agent", "").startswith("Mozilla/") and "x-zotero-connector-api-version" not in lower:
            return None, "", b""
        if self.mode == "refuse":
            return 500, "text/plain", b"An error occurred\n"
        if self.mode == "huge":
            return 200, "text/html", b"Zotero is running" + b" " * (2 << 20)
        parts = urlsplit(path)
        if parts.path == "/connector/ping":
            self.pings += 1
            return 200, "text/html", b"<!DOCTYPE html><html><body>Zotero is running</body></html>"
        if method != "POST":
            return 400, "text/plain", b"Endpoint does not support method\n"
        if parts.path == "/connector/getSelectedCollection":
            answer = {"libraryID": 1, "libraryName": "My Library", "libraryEditable": self.editable,
                      "filesEditable": self.files_editable, "editable": self.editable, "id": 7, "name": self.collection}  # fmt: skip
            return 200, "application/json", json.dumps(answer).encode()
        if parts.path == "/connector/saveItems":
            if lower.get("content-type", "").split(";")[0] != "application/json":
                return 400, "text/plain", b"Endpoint does not support content-type\n"
            data = json.loads(body)
            if self.mode == "refuse-saves":
                return 500, "text/plain", b"An error occurred\n"
            if data["sessionID"] in self.sessions:
                return 409, "application/json", b'{"error":"SESSION_EXISTS"}'
            if not self.editable:
                return 500, "application/json", b'{"libraryEditable":false}'
            self.sessions[data["sessionID"]] = [item["id"] for item in data["items"]]
            self.items.append(data)
            return 201, "application/json", b""
        if parts.path == "/connector/saveAttachment":
            if "x-metadata" not in lower:
                return 400, "application/json", b'{"error":"METADATA_NOT_PROVIDED"}'
            metadata = json.loads(lower["x-metadata"])
            session = metadata.get("sessionID") or parse_qs(parts.query).get("sessionID", [""])[0]
            if session not in self.sessions:
                return 400, "application/json", b'{"error":"SESSION_NOT_FOUND"}'
            if not self.files_editable:
                return 200, "text/plain", b"Library files are not editable."
            if metadata.get("parentItemID") not in self.sessions[session]:
                return 500, "text/plain", b"An error occurred\n"  # getItemByConnectorKey finds nothing
            self.attachments.append(Attachment(metadata, lower.get("content-type", ""), body, session))
            return 201, "text/plain", b""
        return 404, "text/plain", b"No endpoint found\n"

    # --- the sent items, flattened ----------------------------------------------------------

    @property
    def saved(self) -> list[dict]:
        """Every item saved, in order."""
        return [item for request in self.items for item in request["items"]]

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


def closed_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
