"""The loose ends of "nothing an outsider sends can hang papertui, fill memory or disk, or
delete what is not its own": one test (or a few) per item, each failing on the code before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from papertui.pdfs.download import Wanted, download_pdf
from papertui.pdfs.store import PdfStore
from papertui.sources.http import VALIDATOR_SUFFIX, FetchError


# --- a download that is not a PDF leaves nothing behind ----------------------------------------


class _LeavesAValidator:
    """A client whose download ends with an HTML page in the part and a validator beside it
    (as a removal that failed, or another papertui's download, would leave one)."""

    def download(self, url: str, part: Path, on_bytes=None) -> None:
        part.write_bytes(b"<html>busy</html>")
        part.with_name(part.name + VALIDATOR_SUFFIX).write_text('{"if_range": "\\"abc\\"", "size": 17}\n')


def test_a_part_that_is_not_a_pdf_goes_with_its_validator():
    store = PdfStore()
    with pytest.raises(FetchError, match="did not send a PDF"):
        download_pdf(store, _LeavesAValidator(), Wanted("1706.03762"))
    assert sorted(path.name for path in store.root.iterdir()) == []
