"""Make the README's screenshots from the real app: `python screenshots/make_screenshots.py`.

Drives the app with Textual's pilot at a fixed size and saves SVGs next to this file.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from papertui.cli import make_app

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "tests" / "fixtures"
SIZE = (120, 36)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def shoot(filename: str, query: str = "", keys: tuple[str, ...] = (), paths: tuple[Path, ...] = (), size: tuple[int, int] = SIZE) -> None:
    app = make_app(list(paths), query=query)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        app.save_screenshot(filename, path=str(HERE))
        print(HERE / filename)


TRIAGE_KEYS = ("enter", "s", "t", *"to-read agents", "enter", "j", "r", "j", "space", "space", "s", "k")


async def main() -> None:
    # Marks made for the pictures go to a scratch directory, never the user's.
    os.environ["PAPERTUI_DATA_DIR"] = tempfile.mkdtemp(prefix="papertui-screenshots-")
    await shoot("browser.svg", query="masked thought")
    await shoot("triage.svg", query="agent | planning", keys=TRIAGE_KEYS)
    await shoot("list.svg", keys=("enter", "j", "j", "j"))
    await shoot("help.svg", keys=("f1",))
    # The real samples of the other formats: arXiv API, snapshot, Hugging Face JSON, BibTeX.
    await shoot("sources.svg", query="cat:cs.SE | upvotes:>=20", keys=("ctrl+s", "ctrl+s", "ctrl+s", "ctrl+s"), paths=(FIXTURES,), size=(160, 36))
    await shoot("narrow.svg", query="masked thought", keys=("enter", "enter"), size=(48, 16))


if __name__ == "__main__":
    asyncio.run(main())
