"""Keys from the terminal that are not UTF-8 must not kill the app.

Textual's Linux driver decodes what the terminal sends with a strict UTF-8 decoder: one
invalid byte (a Latin-1 terminal, `tmux send-keys -H ff`, line noise over SSH) raises in
its input thread and the app dies with exit status 0 (Textual issue #6456). The driver
looks the decoder factory up by name when its input thread starts, so giving it one that
replaces bad bytes with U+FFFD keeps the app alive and shows the byte as `�`.
"""

from __future__ import annotations

import codecs
from typing import Callable


def _replacing_decoder(encoding: str) -> Callable[..., codecs.IncrementalDecoder]:
    factory = codecs.getincrementaldecoder(encoding)
    return lambda errors="replace": factory(errors="replace")


def tolerate_invalid_input_bytes() -> None:
    """Make the Linux driver replace undecodable input bytes (idempotent; no-op elsewhere)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # Windows: another driver, which reads characters, not bytes
        return
    if getattr(linux_driver, "getincrementaldecoder", None) is not _replacing_decoder:
        linux_driver.getincrementaldecoder = _replacing_decoder  # type: ignore[attr-defined]
