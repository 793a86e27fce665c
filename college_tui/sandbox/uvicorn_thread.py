"""A uvicorn server on a thread and event loop of its own (the REST service, the identity
provider): `serve_in_thread` returns once it listens, or raises what stopped it starting."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from typing import Any

START_SECONDS = 15


def serve_in_thread(
    server: Any,
    sockets: list[socket.socket],
    *,
    name: str,
    what: str,
    loop_seen: Callable[[asyncio.AbstractEventLoop], None] | None = None,
) -> threading.Thread:
    """Serve `server` (a uvicorn.Server) on `sockets` in a daemon thread called `name`;
    `loop_seen` gets the thread's event loop. RuntimeError naming `what` if it did not start."""
    started = threading.Event()
    failure: list[BaseException] = []

    async def serve() -> None:
        if loop_seen is not None:
            loop_seen(asyncio.get_running_loop())
        task = asyncio.create_task(server.serve(sockets=sockets))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        started.set()
        await task

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as err:  # surfaced to the caller below
            failure.append(err)
            started.set()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    if not started.wait(START_SECONDS) or failure:
        raise RuntimeError(f"{what} did not start: {failure[:1]}")
    return thread
