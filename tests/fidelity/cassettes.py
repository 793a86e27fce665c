"""The real service's recordings (vcrpy cassettes in tests/data/azdo-recordings), read as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.contract.specs import TEST_DATA

RECORDINGS = TEST_DATA / "azdo-recordings"

# Recorded host -> the emulated host it stands for.
_HOSTS = {
    "dev.azure.com": "dev",
    "vssps.dev.azure.com": "vssps",
    "vsaex.dev.azure.com": "vsaex",
    "app.vssps.visualstudio.com": "app",
}


@dataclass(frozen=True)
class Interaction:
    """One recorded request and the service's answer."""

    cassette: str
    index: int
    method: str
    uri: str
    host: str | None  # emulated host ("dev", "vssps", "vsaex", "app"); None: not emulated
    org: str | None
    sub_path: str  # the path after the host's org segment, as sent (still URL-encoded)
    query: str
    headers: dict[str, str]
    body: str | None
    status: int
    response_text: str

    @property
    def response_json(self) -> Any:
        """The answer's JSON (a leading BOM stripped), or None when it has no JSON body."""
        text = self.response_text.lstrip("\ufeff")
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    @property
    def label(self) -> str:
        return f"{self.cassette} #{self.index} {self.method} {self.host}:/{self.sub_path}"


def cassette_paths() -> list[Path]:
    """Every cassette: the top-level files and the older team recording in d174813e/."""
    return sorted(RECORDINGS.glob("*.yaml")) + sorted(RECORDINGS.glob("d174813e/*.yaml"))


def cassette_name(path: Path) -> str:
    return path.relative_to(RECORDINGS).as_posix()


@cache
def load_cassette(path: Path) -> tuple[Interaction, ...]:
    """The interactions of one cassette, in recorded order (parsed once per session)."""
    # yaml.safe_load's semantics, with libyaml's speed when PyYAML has it.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    name = cassette_name(path)
    out = []
    for index, item in enumerate(data["interactions"]):
        request, response = item["request"], item["response"]
        host, org, sub_path, query = split_uri(request["uri"])
        headers = {
            key: values[0] if isinstance(values, list) else values
            for key, values in (request.get("headers") or {}).items()
        }
        body = request.get("body")
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        out.append(
            Interaction(
                cassette=name,
                index=index,
                method=request["method"].upper(),
                uri=request["uri"],
                host=host,
                org=org,
                sub_path=sub_path,
                query=query,
                headers=headers,
                body=body,
                status=int(response["status"]["code"]),
                response_text=(response.get("body") or {}).get("string") or "",
            )
        )
    return tuple(out)


def split_uri(uri: str) -> tuple[str | None, str | None, str, str]:
    """(emulated host, org, path after the org, query) of a recorded URI."""
    parts = urlsplit(uri)
    host = _HOSTS.get(parts.netloc.lower())
    segments = parts.path.lstrip("/").split("/", 1)
    if host == "app" or host is None:
        return host, None, parts.path.lstrip("/"), parts.query
    org = segments[0]
    return host, org, segments[1] if len(segments) > 1 else "", parts.query
