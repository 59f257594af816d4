"""The corpus core: parsing input files and merging their records into papers. No Textual.

The names below are imported when first asked for, so that a module needing only the Paper
model (the app's widgets, the marks) does not import every parser before the first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papertui.names_on_demand import names_on_demand

if TYPE_CHECKING:
    from papertui.corpus.loader import LoadProgress, discover_files, iter_load, load_corpus
    from papertui.corpus.model import Corpus, FileReport, Paper, Record, Source
    from papertui.corpus.sniff import FORMATS, sniff_format

_HOMES = {
    "LoadProgress": "loader",
    "discover_files": "loader",
    "iter_load": "loader",
    "load_corpus": "loader",
    "Corpus": "model",
    "FileReport": "model",
    "Paper": "model",
    "Record": "model",
    "Source": "model",
    "FORMATS": "sniff",
    "sniff_format": "sniff",
}

__all__ = sorted(_HOMES)

__getattr__ = names_on_demand(__name__, _HOMES)
