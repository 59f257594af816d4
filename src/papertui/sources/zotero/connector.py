"""A client for the Zotero connector server: the local HTTP server (port 23119) through which
Zotero's browser connector saves items into the collection selected in Zotero.

What the endpoints take and answer was read in Zotero's own code (zotero/zotero, Zotero 7):

- `chrome/content/zotero/xpcom/server/server.js` — the request handler: a `Host` header that
  is not 127.0.0.1, [::1] or localhost is refused (400); a request with a browser's
  User-Agent (`Mozilla/…`) or an `Origin` is dropped unless it carries
  `X-Zotero-Connector-API-Version`; a POST needs a Content-Length; JSON bodies are parsed for
  endpoints that take `application/json`; header values are decoded as RFC 2047, so papertui
  sends only ASCII in them (`X-Metadata` is JSON with non-ASCII escaped).
- `chrome/content/zotero/xpcom/server/server_connector.js` — `/connector/ping` (GET: 200 and
  "Zotero is running"); `/connector/getSelectedCollection` (POST JSON: the library and
  collection selected in Zotero, `editable`, `filesEditable`); `/connector/saveItems` (POST
  JSON `{sessionID, uri, items}`: 201 when saved; 409 SESSION_EXISTS when the session id was
  used; 500 `{libraryEditable: false}` for a read-only library; `versionWarning` answers 400
  CONNECTOR_VERSION_OUTDATED to an API version below 3); `/connector/saveAttachment`
  (POST of the file's bytes, its type as Content-Type, `?sessionID=` and an `X-Metadata`
  header `{id, url, contentType, parentItemID, title}` where parentItemID is the item's `id`
  in saveItems: 201 when attached, 200 "Library files are not editable.", 400 for an unknown
  session). Zotero 6 has no saveAttachment (404: "No endpoint found").
- `chrome/content/zotero/xpcom/server/saveSession.js` — saveItems saves `data.items` with
  `Translate.ItemSaver` into the selected target, with attachments ignored (the connector
  sends them after), and keeps each item under its `id` for the attachment calls.
- `chrome/content/zotero/xpcom/translation/translate_item.js` — how an item's JSON is read:
  `notes` become child notes (`{note: HTML}`), `tags` (`{tag}`) are saved as automatic tags
  (`forceTagType: 1`: Zotero's "automatic tags" setting off drops them), creators need a
  `creatorType`.
- `chrome/content/zotero/xpcom/attachments.js` — `importFromNetworkStream` wants `url`,
  `contentType` and the byte count; it stores the bytes as the attachment's file.
- zotero/zotero-connectors, `src/common/itemSaver_background.js` — how the browser connector
  saves a PDF it fetched (an arXiv PDF among them): `saveAttachmentToZotero` posts the
  ArrayBuffer to saveAttachment with exactly that X-Metadata and `sessionID` in the query.

Every answer is read within a deadline and a size cap (`sources/bounded.py`), and straight
from the socket: urllib's opener would send a request for 127.0.0.1 to `$http_proxy`.
Zotero is local, so the deadlines are short: a Zotero not running is said at once, a stuck
one within seconds.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from papertui import __version__
from papertui.sources.bounded import Answer, Deadline, TooLarge, TooSlow, printable_line

URL_VARIABLE = "PAPERTUI_ZOTERO_URL"
DEFAULT_URL = "http://127.0.0.1:23119"
API_VERSION = "3"  # Zotero's CONNECTOR_API_VERSION: below it, saveItems answers 400
USER_AGENT = f"papertui/{__version__}"  # not Mozilla/…: Zotero drops browser requests it did not expect
PING_SECONDS = 3.0
SAVE_SECONDS = 20.0  # saving an item is a transaction in Zotero's database: a busy Zotero takes a while
ATTACH_SECONDS = 120.0  # Zotero writes the file into its storage before answering
ANSWER_CAP = 1 << 20  # Zotero's answers are a few hundred bytes; the selected collection lists them all


class ZoteroUnavailable(Exception):
    """Zotero cannot take anything now (not running, stuck, not Zotero, a read-only library);
    the message is the one line to show, saying what to do."""


class ZoteroRefused(Exception):
    """Zotero refused one request but may take the next; the message reads after the paper."""


@dataclass(frozen=True)
class Target:
    """Where Zotero saves: the library and collection selected in it."""

    name: str
    editable: bool = True
    files_editable: bool = True


def zotero_url(config: dict[str, Any] | None = None) -> tuple[str, str | None]:
    """The connector server's address: `$PAPERTUI_ZOTERO_URL`, else `url` in the config
    file's `[zotero]` table, else Zotero's own; and a one-line problem when the one given
    cannot be used (then Zotero's own is)."""
    given = os.environ.get(URL_VARIABLE)
    where = f"${URL_VARIABLE}"
    if not given:
        if config is None:
            from papertui.sources.config import read_config

            config, _problem = read_config()  # a config that cannot be read is said by the commands that use it
        table = config.get("zotero")
        given = table.get("url") if isinstance(table, dict) else None
        where = "url in [zotero] of the config file"
        if given is None:
            return DEFAULT_URL, None
    if not isinstance(given, str):
        return DEFAULT_URL, f"{where} is not an address; Zotero's own ({DEFAULT_URL}) is used"
    try:
        parts = urlsplit(given.strip())
        port = parts.port
    except ValueError:  # "http://[oops", a port of letters
        parts, port = urlsplit(""), -1
    if parts.scheme != "http" or not parts.hostname or port == -1:
        return DEFAULT_URL, (
            f"{where} = {printable_line(given, 80)!r} is not an http://HOST:PORT address; Zotero's own ({DEFAULT_URL}) is used"
        )
    return f"http://{parts.netloc}", None


class Connector:
    """Requests to the connector server at `base` (`http://127.0.0.1:23119`)."""

    def __init__(self, base: str = DEFAULT_URL, ping_seconds: float | None = None, save_seconds: float | None = None,
                 attach_seconds: float | None = None) -> None:  # fmt: skip
        parts = urlsplit(base)
        self.base = base
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.where = printable_line(parts.netloc or base)
        # read when made, not when defined: the tests make a stuck Zotero's deadline short
        self.ping_seconds = PING_SECONDS if ping_seconds is None else ping_seconds
        self.save_seconds = SAVE_SECONDS if save_seconds is None else save_seconds
        self.attach_seconds = ATTACH_SECONDS if attach_seconds is None else attach_seconds

    # --- the endpoints --------------------------------------------------------------

    def ping(self) -> None:
        """Check that Zotero answers; raises ZoteroUnavailable (one line) when it does not."""
        status, _ = self._exchange("GET", "/connector/ping", seconds=self.ping_seconds)
        if 500 <= status < 600:
            raise ZoteroUnavailable(f"Zotero at {self.where} refused papertui's ping (HTTP {status}): restart Zotero and try again")
        if status != 200:
            raise ZoteroUnavailable(
                f"something at {self.where} answered HTTP {status} to a ping, not as Zotero does: "
                f"start Zotero 7 (or point ${URL_VARIABLE} at it) and try again"
            )

    def selected_target(self) -> Target | None:
        """The library or collection selected in Zotero, where saved items go (None when this
        Zotero does not say)."""
        status, body = self._exchange("POST", "/connector/getSelectedCollection", _json({}), {"Content-Type": "application/json"},
                                      self.ping_seconds)  # fmt: skip
        if status != 200:
            return None
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):  # a megabyte of `[`: not Zotero's answer
            return None
        if not isinstance(answer, dict):
            return None
        name = answer.get("name") if isinstance(answer.get("name"), str) else answer.get("libraryName")
        return Target(
            name=printable_line(name, 80) if isinstance(name, str) else "the selected library",
            editable=answer.get("editable") is not False and answer.get("libraryEditable") is not False,
            files_editable=answer.get("filesEditable") is not False,
        )

    def save_items(self, session: str, items: list[dict[str, Any]], uri: str = "") -> None:
        """Save `items` into the collection selected in Zotero, in a new save session.
        Raises ZoteroRefused (this save failed), or ZoteroUnavailable (none will work)."""
        status, body = self._exchange(
            "POST", "/connector/saveItems", _json({"sessionID": session, "uri": uri, "items": items}),
            {"Content-Type": "application/json"}, self.save_seconds,
        )  # fmt: skip
        if status == 201:
            return
        said = _said(body)
        if status == 500 and '"libraryEditable":false' in body.replace(b" ", b"").decode("ascii", "replace"):
            raise ZoteroUnavailable(
                "the library selected in Zotero cannot be written: select My Library or a collection you can edit, and try again"
            )
        if status == 400 and "CONNECTOR_VERSION_OUTDATED" in said:
            raise ZoteroUnavailable("this Zotero wants a newer connector than papertui speaks: update Zotero to version 7 or later")
        if status == 404:
            raise ZoteroUnavailable(f"something at {self.where} has no saveItems endpoint: is it Zotero? start Zotero 7 and try again")
        raise ZoteroRefused(f"Zotero did not save it (HTTP {status}{': ' + said if said else ''}); see Help → Debug Output Logging in Zotero")

    def save_attachment(self, session: str, parent: str, data: bytes, url: str, title: str = "Preprint PDF",
                        content_type: str = "application/pdf") -> bool:  # fmt: skip
        """Attach a file's bytes to the item saved as `parent` in `session`. False when
        Zotero keeps no files in the selected library; raises ZoteroRefused or ZoteroUnavailable."""
        metadata = {"id": parent + "-pdf", "url": url, "contentType": content_type, "parentItemID": parent, "title": title}
        status, body = self._exchange(
            "POST", f"/connector/saveAttachment?sessionID={session}", data,
            {"Content-Type": content_type, "X-Metadata": json.dumps(metadata, ensure_ascii=True)}, self.attach_seconds,
        )  # fmt: skip
        if status == 201:
            return True
        if status == 200:  # "Library files are not editable."
            return False
        if status == 404:
            raise ZoteroRefused("this Zotero takes no attachments from a connector (Zotero 6?): update to Zotero 7 to send PDFs")
        said = _said(body)
        raise ZoteroRefused(f"Zotero did not attach the PDF (HTTP {status}{': ' + said if said else ''})")

    # --- one request, bounded ---------------------------------------------------------

    def _exchange(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                  seconds: float = PING_SECONDS) -> tuple[int, bytes]:  # fmt: skip
        """The status and body of one answer, read within `seconds` and ANSWER_CAP."""
        deadline = Deadline(
            seconds, f"Zotero did not answer at {self.where} within {seconds:g} s: is it stuck on a dialog? answer it, or restart Zotero, and try again"
        )
        connection = http.client.HTTPConnection(self.host, self.port, timeout=seconds)
        try:
            connection.connect()
            deadline.watch(connection.sock)
            sent = {"User-Agent": USER_AGENT, "X-Zotero-Connector-API-Version": API_VERSION, "Accept-Encoding": "identity"}
            connection.request(method, path, body=body, headers={**sent, **(headers or {})})
            response = connection.getresponse()
            answer = Answer(response, deadline, ANSWER_CAP)
            return response.status, b"".join(answer.chunks())
        except ConnectionRefusedError:
            raise ZoteroUnavailable(f"Zotero is not running (nothing answers at {self.where}): start Zotero 7 and try again") from None
        except TooSlow as slow:
            raise ZoteroUnavailable(str(slow)) from None
        except TooLarge:
            raise ZoteroUnavailable(f"something at {self.where} sent an answer of over {ANSWER_CAP >> 20} MB, not as Zotero does: is it Zotero?") from None
        except (socket.timeout, TimeoutError):
            raise ZoteroUnavailable(deadline.message) from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            if deadline.passed:  # the watchdog shut the socket: a stall, not a failure
                raise ZoteroUnavailable(deadline.message) from None
            reason = printable_line(str(error) or type(error).__name__)
            raise ZoteroUnavailable(f"cannot reach Zotero at {self.where} ({reason}): start Zotero 7 and try again") from None
        finally:
            deadline.cancel()
            connection.close()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _said(body: bytes) -> str:
    """What an error answer says, short and on one line (Zotero's are JSON or a line of text)."""
    text = body[:300].decode("utf-8", "replace")
    try:
        answer = json.loads(text)
        if isinstance(answer, dict) and isinstance(answer.get("error"), str):
            text = answer["error"]
    except ValueError:
        pass
    return printable_line(text, 120) if text.strip() else ""
