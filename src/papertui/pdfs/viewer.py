"""Opening a downloaded PDF in the user's viewer: `$PAPERTUI_PDF_VIEWER` (a command, `%s`
for the file), else the system's opener where a display exists. Over SSH or with no display
nothing is started (a viewer there would draw on no screen, or take over the terminal): the
caller shows where the file is instead. Only files inside the library, or a PDF inside a Zotero
data directory's storage folder (`open_zotero_pdf`), are ever opened.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from papertui.links import OpenOutcome, has_display, run_detached
from papertui.pdfs.store import PdfStore

VIEWER_VARIABLE = "PAPERTUI_PDF_VIEWER"


@dataclass(frozen=True)
class ViewerChoice:
    command: list[str] | None  # "%s" marks the file
    how: str  # what is used, or why nothing can be


def choose_viewer(environ: Mapping[str, str] | None = None, platform: str | None = None) -> ViewerChoice:
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    configured = environ.get(VIEWER_VARIABLE, "").strip()
    if configured:
        try:
            words = shlex.split(configured)
        except ValueError:
            return ViewerChoice(None, f"${VIEWER_VARIABLE} cannot be read as a command ({configured})")
        if not words or shutil.which(words[0]) is None:
            return ViewerChoice(None, f"${VIEWER_VARIABLE} names no program that exists ({configured})")
        return ViewerChoice(words, f"${VIEWER_VARIABLE} ({words[0]})")
    if not has_display(environ, platform):
        return ViewerChoice(None, f"no display to show a PDF viewer (set ${VIEWER_VARIABLE}, e.g. 'zathura %s')")
    opener = {"darwin": "open"}.get(platform, "xdg-open")
    if platform.startswith("win"):
        return ViewerChoice(["explorer"], "the system's PDF viewer")
    if shutil.which(opener) is None:
        return ViewerChoice(None, f"no {opener} to find a PDF viewer (set ${VIEWER_VARIABLE})")
    return ViewerChoice([opener], f"the system's PDF viewer ({opener})")


def open_pdf(path: Path, store: PdfStore, environ: Mapping[str, str] | None = None, platform: str | None = None) -> OpenOutcome:
    if not store.contains(path):
        return OpenOutcome(False, f"refused to open {path}: not a PDF in the library ({store.root})")
    choice = choose_viewer(environ, platform)
    if choice.command is None:
        return OpenOutcome(False, choice.how)
    return run_detached(choice.command, str(path), choice.how)


def open_zotero_pdf(local_pdf: str, environ: Mapping[str, str] | None = None, platform: str | None = None) -> OpenOutcome:
    """A paper's PDF in Zotero's storage (`Paper.local_pdf`), for a paper not in the library:
    only a regular PDF inside a Zotero data directory's storage/ folder is handed to a viewer."""
    from papertui.pdfs.zotero_pdfs import refused, zotero_storage_pdf

    pdf = zotero_storage_pdf(local_pdf)
    if pdf is None:
        return OpenOutcome(False, refused(local_pdf))
    choice = choose_viewer(environ, platform)
    if choice.command is None:
        return OpenOutcome(False, choice.how)
    return run_detached(choice.command, str(pdf), choice.how)
