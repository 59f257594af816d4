"""The corpus core: parsing input files and merging their records into papers. No Textual."""

from papertui.corpus.loader import LoadProgress, discover_files, iter_load, load_corpus
from papertui.corpus.model import Corpus, FileReport, Paper, Record, Source
from papertui.corpus.sniff import FORMATS, sniff_format

__all__ = [
    "FORMATS",
    "Corpus",
    "FileReport",
    "LoadProgress",
    "Paper",
    "Record",
    "Source",
    "discover_files",
    "iter_load",
    "load_corpus",
    "sniff_format",
]
