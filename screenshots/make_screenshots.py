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
SIZE = (120, 36)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def shoot(filename: str, query: str = "", keys: tuple[str, ...] = ()) -> None:
    app = make_app(query=query)
    async with app.run_test(size=SIZE) as pilot:
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


if __name__ == "__main__":
    asyncio.run(main())
