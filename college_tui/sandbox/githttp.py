"""git's smart HTTP protocol at a repository's `remoteUrl`: `/{org}/{project}/_git/{repo}/...`.

Only git's three sub-paths are claimed here (`info/refs`, `git-upload-pack`, `git-receive-pack`);
the page at the bare `/_git/{repo}` URL belongs to the web pages. Like Azure Repos, the PAT is the
password of HTTP Basic auth, with any user name; a missing or wrong one gets 401 with a
`WWW-Authenticate` challenge, so git asks its credential helper and says "Authentication failed".

The real `git upload-pack` / `git receive-pack` run with `--stateless-rpc` on the same bare
repositories the SSH server and the REST API use, with the same environment (`repos.service_env`),
and pushes take turns on the same per-repository lock (`Sandbox.push_lock`): a push over HTTPS
shows up over SSH and REST at once. Request bodies (gzip or not) stream into git's stdin while its
stdout streams back; nothing is held in memory whole. Protocol v2 is not offered (git's
`Git-Protocol` header is not passed on), as the SSH server declines it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .repos import PUSH_LOCK_WAIT, repo_path, resolve_repository, service_env
from .service import Sandbox

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

SERVICES = ("git-upload-pack", "git-receive-pack")
_PATH = re.compile(
    r"^/(?P<org>[^/]+)/(?P<project>[^/]+)/_git/(?P<repo>[^/]+)/"
    r"(?P<action>info/refs|git-upload-pack|git-receive-pack)$"
)
CHUNK = 65536
REPO_MISSING = (
    "TF401019: The Git repository with name or identifier {name} does not exist or you "
    "do not have permissions for the operation you are attempting."
)
# The real service also offers Bearer; git answers a Basic challenge with its credential helper.
CHALLENGE = 'Basic realm="https://dev.azure.com/"'


@dataclass(frozen=True)
class GitRoute:
    """What a smart-HTTP path names: organisation, project, repository and git's action."""

    org: str
    project: str
    repo: str
    action: str  # "info/refs" | "git-upload-pack" | "git-receive-pack"


def match(path: str) -> GitRoute | None:
    """The git route a request path names (percent-decoded names), else None."""
    m = _PATH.match(path)
    if m is None:
        return None
    return GitRoute(unquote(m["org"]), unquote(m["project"]), unquote(m["repo"]), m["action"])


async def serve(
    request: Request, sandbox: Sandbox, route: GitRoute, *, authorized: bool
) -> ASGIApp:
    """The answer to one smart-HTTP request (an ASGI callable): advertisement, pack or refusal."""
    method = request.method
    service = route.action if route.action != "info/refs" else request.query_params.get("service")
    sandbox.count(method, f"git:{route.action}")
    if not authorized:
        return PlainTextResponse(
            "TF400813: The user is not authorized to access this resource.",
            status_code=401,
            headers={"WWW-Authenticate": CHALLENGE},
        )
    repo = await run_in_threadpool(_find, sandbox, route)
    if repo is None:
        return PlainTextResponse(REPO_MISSING.format(name=route.repo), status_code=404)
    if service not in SERVICES:  # the "dumb" protocol (no ?service=): the service offers none
        return PlainTextResponse(
            "Please upgrade your git client (smart HTTP only).", status_code=403
        )
    expected = "GET" if route.action == "info/refs" else "POST"
    if method != expected:
        return PlainTextResponse(
            f"{route.action} takes {expected}.", status_code=405, headers={"Allow": expected}
        )
    path = str(repo_path(sandbox, repo))
    verb = service.removeprefix("git-")
    if route.action == "info/refs":
        return await _advertise(sandbox, verb, path)
    if request.headers.get("content-type", "") != f"application/x-{service}-request":
        return PlainTextResponse(f"Expected application/x-{service}-request.", status_code=415)
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        return PlainTextResponse(f"Content-Encoding {encoding} is not supported.", status_code=415)
    lock = sandbox.push_lock(repo["id"]) if verb == "receive-pack" else None
    return _Exchange(sandbox, verb, path, gzip=encoding in ("gzip", "x-gzip"), lock=lock)


def _find(sandbox: Sandbox, route: GitRoute) -> dict[str, Any] | None:
    sandbox.advance()  # the clock moves for git users too (an import may just finish)
    repo = resolve_repository(sandbox, route.org, route.project, route.repo)
    return repo if repo is not None and repo_path(sandbox, repo).is_dir() else None


def pkt_line(text: str) -> bytes:
    """One pkt-line: four hex digits of length (themselves included), then the data."""
    data = text.encode()
    return f"{len(data) + 4:04x}".encode() + data


async def _advertise(sandbox: Sandbox, verb: str, path: str) -> Response:
    proc = await asyncio.create_subprocess_exec(
        "git",
        verb,
        "--stateless-rpc",
        "--advertise-refs",
        path,
        env=service_env(sandbox),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        log.warning("git %s --advertise-refs failed: %s", verb, err.decode(errors="replace"))
        return PlainTextResponse("The repository cannot be read right now.", status_code=500)
    body = pkt_line(f"# service=git-{verb}\n") + b"0000" + out
    return Response(
        body,
        media_type=f"application/x-git-{verb}-advertisement",
        headers={"Cache-Control": "no-cache"},
    )


class _Exchange:
    """One POST: the request body streams into git's stdin while git's stdout streams back."""

    def __init__(
        self, sandbox: Sandbox, verb: str, path: str, *, gzip: bool, lock: threading.Lock | None
    ) -> None:
        self.sandbox, self.verb, self.path = sandbox, verb, path
        self.gzip, self.lock = gzip, lock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        locked = False
        if self.lock is not None:
            locked = await asyncio.to_thread(self.lock.acquire, True, PUSH_LOCK_WAIT)
            if not locked:
                await PlainTextResponse(
                    "Another push to this repository is still running; try again.", status_code=503
                )(scope, receive, send)
                return
        try:
            await self._run(receive, send)
        finally:
            if self.lock is not None and locked:
                self.lock.release()

    async def _run(self, receive: Receive, send: Send) -> None:
        proc = await asyncio.create_subprocess_exec(
            "git",
            self.verb,
            "--stateless-rpc",
            self.path,
            env=service_env(self.sandbox),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
        if stdin is None or stdout is None or stderr is None:  # all three are pipes (PIPE)
            raise RuntimeError("git was started without its pipes")
        feeder = asyncio.create_task(self._feed(receive, stdin))
        errors = asyncio.create_task(stderr.read())
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", f"application/x-git-{self.verb}-result".encode()),
                        (b"cache-control", b"no-cache"),
                    ],
                }
            )
            while chunk := await stdout.read(CHUNK):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            feeder.cancel()  # done by now, unless git stopped reading (an error) or the client left
            with contextlib.suppress(asyncio.CancelledError, OSError, ValueError):
                await feeder
            if not stdout.at_eof():
                proc.kill()  # the client left mid-answer
            rc = await proc.wait()
            said = await errors
            log.info(
                "http git-%s %s -> %s %s",
                self.verb,
                self.path,
                rc,
                said.decode(errors="replace").strip(),
            )

    async def _feed(self, receive: Receive, stdin: asyncio.StreamWriter) -> None:
        """The request body into git's stdin (inflated when gzip), then EOF."""
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if self.gzip else None
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body = message.get("body", b"")
                if inflate is not None and body:
                    body = inflate.decompress(body)
                if body:
                    stdin.write(body)
                    await stdin.drain()
                if not message.get("more_body", False):
                    if inflate is not None:
                        stdin.write(inflate.flush())
                    return
        except (zlib.error, ConnectionError) as err:  # a bad body: git sees it cut short
            log.info("http git-%s request body: %s", self.verb, err)
        finally:
            with contextlib.suppress(OSError, ConnectionError):
                stdin.close()
