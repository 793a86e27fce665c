"""The ASGI layer that injects the faults a `Faults` spec asks for (sandbox/faults.py) into the
requests to `_apis`: latency, 503s, 429 storms with Retry-After, dropped connections."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from .errors import error_body
from .faults import FaultPlan, Faults

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ConnectionDropped(Exception):
    """Raised to make the server close a connection mid-answer (fault injection)."""


class FaultInjector:
    """Outer ASGI layer that delays, fails, throttles or drops requests to `_apis`."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults
        self.plan = FaultPlan(faults)
        logging.getLogger("uvicorn.error").addFilter(
            lambda record: not (record.exc_info and record.exc_info[0] is ConnectionDropped)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "/_apis" not in scope["path"]:
            return await self.app(scope, receive, send)
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        fault = self.plan.draw()
        if fault == "5xx":
            return await _send_json(
                send,
                503,
                error_body(
                    "VssServiceException",
                    "TF246020: The sandbox is unavailable for a moment (injected fault). Try again.",
                ),
            )
        if fault == "429":
            return await _send_json(
                send,
                429,
                error_body(
                    "RequestBlockedException",
                    "TF400733: The request has been canceled: Request was blocked due to exceeding "
                    "usage of resource 'sandbox' in namespace 'sandbox'.",
                ),
                {
                    "Retry-After": str(self.faults.retry_after),
                    "X-RateLimit-Resource": "sandbox",
                    "X-RateLimit-Delay": "0.0",
                },
            )
        if fault == "drop-before":
            return await _drop(send)
        if fault == "drop-after":

            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
            return await _drop(send)
        return await self.app(scope, receive, send)


async def _send_json(
    send: Send, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    from starlette.responses import JSONResponse

    await JSONResponse(body, status_code=status, headers=headers)({"type": "http"}, _nothing, send)


async def _nothing() -> dict[str, Any]:
    """The `receive` of an answer sent without reading the request (a response never calls it)."""
    raise RuntimeError("a fault's answer reads nothing from the request")


async def _drop(send: Send) -> None:
    # uvicorn hands its protocol's bound `send`; closing the transport drops the connection
    # without any answer, as a network failure would. Otherwise fail after the status line.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.close()
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ConnectionDropped("connection dropped by fault injection")
