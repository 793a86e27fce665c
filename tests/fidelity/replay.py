"""Replay a recorded conversation with Azure DevOps against a sandbox and compare the answers.

`Replay` sends each recorded request to the sandbox's matching host (method, path, query, body and
Accept header as recorded; Basic auth with the sandbox's PAT), translating the ids the real service
handed out into the ones the sandbox handed out at the same place of an earlier answer. `compare`
then demands of each answer what the recording shows: the same status and at least the same
fields, recursively, with values of the same JSON type, and URLs of the same path once the host
(and the organisation segment) is set aside. Values themselves (ids, dates, names, counts) are not
compared: the sandbox is a different organisation with different data.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import requests

from tests.fidelity.cassettes import Interaction

COURSE_URL = "https://github.com/aidevcollege/aidevcollege"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_DESCRIPTOR = re.compile(r"^(aad|msa|vssgp|vss|scp|svc|vssgc|s2s|bnd|imp|win|cuid)\.[\w-]+$")
# Integer ids the service numbers per organisation.
_NUMBERED = ("pullRequestId", "importRequestId", "codeReviewId")
_TERMINAL = {"succeeded", "completed", "failed", "cancelled", "abandoned"}
_NAME_KEYS = ("name", "principalName", "displayName", "id", "memberDescriptor", "descriptor")


def is_id(value: Any) -> bool:
    """Whether a recorded value is an identifier the sandbox hands out its own way."""
    return isinstance(value, str) and bool(
        _UUID.match(value) or _SHA.match(value) or _DESCRIPTOR.match(value)
    )


def align(
    recorded: list[Any], got: list[Any], ids: dict[str, str] | None = None
) -> list[tuple[int, Any, Any]]:
    """Pairs of (recorded index, recorded item, sandbox item) to compare.

    Items are matched by name (or principal name, display name, id, descriptor; recorded ids
    translated through `ids`) where both sides have one; when nothing matches that way, the first
    items are compared.
    """
    if not recorded or not got:
        return []
    ids = ids or {}
    for key in _NAME_KEYS:
        if all(isinstance(i, dict) and key in i for i in recorded + got):
            by_name = {str(item[key]).lower(): item for item in got}
            pairs = []
            for n, item in enumerate(recorded):
                name = str(ids.get(item[key], item[key])).lower()
                if name in by_name:
                    pairs.append((n, item, by_name[name]))
            if pairs:
                return pairs
    return [(0, recorded[0], got[0])]


@dataclass
class Difference:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", dict: "object", list: "array"}.get(type(value), type(value).__name__)


def url_shape(url: str) -> str | None:
    """An http(s) URL without scheme, host, organisation segment, ids and query values."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    host = parts.hostname or ""
    if host in ("127.0.0.1", "localhost"):
        if segments[:1] == ["app"]:
            segments = segments[1:]
        elif segments[:1] in (["vssps"], ["vsaex"]):
            segments = segments[2:]
        else:
            segments = segments[1:]
    elif host.endswith("dev.azure.com"):
        segments = segments[1:]  # the organisation
    elif (
        host.endswith("visualstudio.com")
        and segments
        and re.match(r"^A[0-9a-f-]{36}$", segments[0])
    ):
        segments = segments[1:]  # spsprod's collection segment stands for the organisation
    shaped = ["{id}" if is_id(s) or s.isdigit() else s.lower() for s in segments]
    keys = sorted(k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return "/".join(shaped) + ("?" + "&".join(keys) if keys else "")


def compare(
    recorded: Any, got: Any, pointer: str = "", ids: dict[str, str] | None = None
) -> list[Difference]:
    """What the sandbox's answer lacks compared with the recorded one.

    `ids` translates recorded ids to the sandbox's where they are keys (SubjectLookup's map).
    """
    ids = ids or {}
    if recorded is None:
        return []
    if _kind(recorded) != _kind(got):
        return [Difference(pointer, f"recorded {_kind(recorded)}, sandbox sent {_kind(got)}")]
    if isinstance(recorded, dict):
        out: list[Difference] = []
        for key, value in recorded.items():
            here = f"{pointer}/{key}"
            mine = key if key in got else ids.get(key)
            if mine not in got:
                out.append(Difference(here, "missing"))
            else:
                out += compare(value, got[mine], here, ids)
        return out
    if isinstance(recorded, list):
        if recorded and not got:
            return [Difference(pointer, f"recorded {len(recorded)} items, sandbox sent none")]
        out = []
        for index, item, other in align(recorded, got, ids):
            out += compare(item, other, f"{pointer}/{index}", ids)
        return out
    if isinstance(recorded, str):
        shape = url_shape(recorded)
        if shape is not None and url_shape(got) != shape:
            return [Difference(pointer, f"URL path {shape!r}, sandbox {url_shape(got) or got!r}")]
    return []


@dataclass
class Outcome:
    """One recorded interaction as replayed."""

    item: Interaction
    status: int | None = None
    body: Any = None
    differences: list[Difference] = field(default_factory=list)
    skipped: str | None = None


class Replay:
    """Sends a cassette's requests to one sandbox, translating ids as it learns them."""

    def __init__(self, server) -> None:
        self.info = server.info
        self.ids: dict[str, str] = {}  # recorded id -> sandbox id (strings)
        self.numbers: dict[str, str] = {}  # recorded number -> sandbox number (URL segments)
        token = base64.b64encode(f":{self.info.pat}".encode()).decode()
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Basic {token}", "X-TFS-FedAuthRedirect": "Suppress"}
        )

    # -- requests ------------------------------------------------------------------------

    def url(self, item: Interaction) -> str:
        base, org = self.info.base_url, self.info.org
        prefix = {
            "dev": f"{base}/{org}",
            "vssps": f"{base}/vssps/{org}",
            "vsaex": f"{base}/vsaex/{org}",
            "app": f"{base}/app",
        }[item.host]
        path = "/".join(self._segment(s) for s in item.sub_path.split("/"))
        query = urlencode(
            [(k, self.ids.get(v, v)) for k, v in parse_qsl(item.query, keep_blank_values=True)]
        )
        return f"{prefix}/{path}" + (f"?{query}" if query else "")

    def _segment(self, segment: str) -> str:
        raw = unquote(segment)
        if raw in self.ids:
            return quote(self.ids[raw], safe="")
        if raw in self.numbers:
            return self.numbers[raw]
        return segment

    def body(self, item: Interaction) -> str | None:
        if item.body is None:
            return None
        text = item.body
        for recorded in sorted(self.ids, key=len, reverse=True):
            text = text.replace(recorded, self.ids[recorded])
        if "/importRequests" in item.sub_path and item.method == "POST":
            # The sandbox cannot reach the recorded GitHub repositories: it imports the course.
            document = json.loads(text)
            document["parameters"]["gitSource"]["url"] = COURSE_URL
            text = json.dumps(document)
        return text

    def send(self, item: Interaction) -> requests.Response:
        headers = {
            key: value
            for key, value in item.headers.items()
            if key.lower() in ("accept", "content-type")
        }
        return self.session.request(
            item.method, self.url(item), data=self.body(item), headers=headers, timeout=15
        )

    def play(self, item: Interaction, timeout: float = 10.0) -> Outcome:
        """Send one interaction (polling long-running ones to the recorded end state)."""
        recorded = item.response_json
        wanted = recorded.get("status") if isinstance(recorded, dict) else None
        polls = (
            item.method == "GET"
            and wanted in _TERMINAL
            and ("/operations/" in item.sub_path or "/importRequests/" in item.sub_path)
        )
        deadline = time.monotonic() + timeout
        while True:
            response = self.send(item)
            body = _json(response)
            done = not polls or (isinstance(body, dict) and body.get("status") == wanted)
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        outcome = Outcome(item, response.status_code, body)
        if response.status_code != item.status:
            outcome.differences.append(
                Difference(
                    "",
                    f"status {response.status_code}, recorded {item.status}"
                    + (f" ({body.get('message')})" if isinstance(body, dict) else ""),
                )
            )
        else:
            self.learn(recorded, body)
            outcome.differences += compare(recorded, body, ids=self.ids)
        return outcome

    # -- ids ---------------------------------------------------------------------------------

    def learn(self, recorded: Any, got: Any) -> None:
        """Remember which sandbox id stands where the recording had another one."""
        if isinstance(recorded, dict) and isinstance(got, dict):
            for key, value in recorded.items():
                mine = key if key in got else self.ids.get(key)
                if mine not in got:
                    continue
                if key in _NUMBERED and isinstance(value, int):
                    self.numbers.setdefault(str(value), str(got[mine]))
                else:
                    self.learn(value, got[mine])
        elif isinstance(recorded, list) and isinstance(got, list):
            for _index, item, other in align(recorded, got, self.ids):
                self.learn(item, other)
        elif is_id(recorded) and isinstance(got, str) and recorded != got:
            self.ids.setdefault(recorded, got)


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
