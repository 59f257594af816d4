"""Work that quitting must be able to walk away from.

Textual's thread workers run in the event loop's default executor, and `asyncio.run` waits
for that executor's threads before it returns: a load blocked on a slow pipe, or deep in a
long file, would keep the process alive after the user quit. Work awaited through
`in_daemon_thread` runs in a daemon thread instead; the awaiting worker is cancelled on
quit and the thread is abandoned, so the process ends at once.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[], T], name: str) -> T:
    """Run `work()` in a daemon thread and return (or raise) what it does."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():  # the awaiting worker may have been cancelled meanwhile
            outcome()

    def run() -> None:
        try:
            result = work()
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting worker
            # A name of its own: Python unbinds `error` when the except clause ends, before
            # the loop calls `deliver`, and the worker would then wait for ever.
            failure = error
            deliver = lambda: settle(lambda: future.set_exception(failure))  # noqa: E731
        else:
            deliver = lambda: settle(lambda: future.set_result(result))  # noqa: E731
        try:
            loop.call_soon_threadsafe(deliver)
        except RuntimeError:
            pass  # the loop is closed: the app has quit, nobody is waiting

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
