"""Run the identity provider: HTTPS on its own loopback port, in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import TYPE_CHECKING

from ..uvicorn_thread import serve_in_thread

if TYPE_CHECKING:
    import uvicorn

    from ..guard import LoopbackGuard
    from .ca import IdentityFiles
    from .oauth import IdentityProvider


def create_identity_app(idp: IdentityProvider) -> LoopbackGuard:
    """The HTTPS app: the JSON endpoints and the pages (the pages are on the REST port too)."""
    from starlette.applications import Starlette

    from ..guard import LoopbackGuard
    from . import oauth, pages

    return LoopbackGuard(Starlette(routes=oauth.routes(idp) + pages.routes(idp)))


class IdentityServer:
    """uvicorn with TLS (the sandbox CA's server certificate) on an already bound socket."""

    def __init__(self, idp: IdentityProvider, files: IdentityFiles, sock: socket.socket) -> None:
        self.idp = idp
        self.files = files
        self.sock = sock
        self._server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(
            create_identity_app(self.idp),
            log_level="warning",
            access_log=False,  # query strings and forms carry codes: never logged
            lifespan="off",
            ssl_certfile=str(self.files.server_cert),
            ssl_keyfile=str(self.files.server_key),
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        # uvicorn (>= 0.29) installs signal handlers only on the main thread: none here
        self._server = server

        def seen(loop: asyncio.AbstractEventLoop) -> None:
            self._loop = loop

        self._thread = serve_in_thread(
            server,
            [self.sock],
            name="sandbox-identity",
            what="the sandbox's identity provider",
            loop_seen=seen,
        )

    def stop(self) -> None:
        server, loop = self._server, self._loop
        if server is not None and loop is not None and not loop.is_closed():
            # A TLS close waits for the client's close_notify, which a pooled idle connection
            # never sends: abort them so the stop takes no grace period (nothing is in flight
            # that matters once the sandbox stops).
            def abort() -> None:
                for connection in list(server.server_state.connections):
                    transport = getattr(connection, "transport", None)
                    if transport is not None:
                        transport.abort()

            with contextlib.suppress(RuntimeError):  # the loop ended meanwhile
                loop.call_soon_threadsafe(abort)
        if server is not None:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
