"""Microsoft's OpenAPI 2.0 specs for Azure DevOps, indexed by operation and made strict.

The specs are kept in the repository, in `tests/data/azdo-specs/specification/<area>/7.2/*.json`
(UTF-8 with a BOM; source, commit and licence in tests/data/azdo-specs/README.md). Each path + method becomes an `Operation` whose responses map a status code to a
JSON schema. Validation is strict: every object schema that lists its properties refuses any other
property (an emulator that invents a field fails), `allOf` inheritance is flattened first so that
this works under draft 4. Where the real service sends what the spec does not say (a .NET class's
wire form, a missing property, a null), `WIRE_FORMS`, `AMENDMENTS` and `RESPONSE_AMENDMENTS`
correct the spec (tests/contract/amendments.py), each with the evidence that proves it
(tests/contract/test_recordings_conform.py checks that proof).
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from .amendments import AMENDMENTS, RESPONSE_AMENDMENTS, WIRE_FORMS, Amendment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Upstream data copied into the repository: the tests read nothing outside it.
TEST_DATA = PROJECT_ROOT / "tests" / "data"
SPEC_DIR = TEST_DATA / "azdo-specs" / "specification"

# Which spec hosts each emulated host stands for, and whether the spec's paths start with the
# organisation segment. The org's vssps host also answers the accounts list (API reference §0).
SPEC_HOSTS: dict[str, list[tuple[str, bool]]] = {
    "dev": [("dev.azure.com", True)],
    "vssps": [("vssps.dev.azure.com", True), ("app.vssps.visualstudio.com", False)],
    "vsaex": [("vsaex.dev.azure.com", True)],
    "app": [("app.vssps.visualstudio.com", False)],
}


class MissingTestData(Exception):
    """Upstream data the contract and fidelity suites read is not in tests/data."""


def spec_files(spec_dir: Path) -> list[Path]:
    """Every `<area>/7.2/*.json` under `spec_dir`; MissingTestData (a sentence) when none is."""
    found = sorted(spec_dir.glob("*/7.2/*.json"))
    if not found:
        raise MissingTestData(
            f"Microsoft's specs are missing: {spec_dir} holds no <area>/7.2/*.json, so no answer "
            "can be checked. They belong to the repository (tests/data/azdo-specs/README.md): "
            "restore them with `git checkout -- tests/data`."
        )
    return found


@dataclass(frozen=True)
class Operation:
    """One documented path + method and the schema of each documented response."""

    area: str
    method: str
    template: str
    operation_id: str
    responses: dict[str, dict[str, Any] | None]  # status code -> schema (None: no body)

    @property
    def key(self) -> str:
        return f"{self.area}:{self.operation_id}"

    def response_schema(self, status: int) -> tuple[bool, dict[str, Any] | None]:
        """(documented?, schema) for a status; a 2xx the spec files under another 2xx uses it.

        The specs list 200 for calls the service answers with 201/202 (project create, team
        create, import request, pull request, membership add: see the recordings), so a success
        is checked against the one documented success schema.
        """
        if str(status) in self.responses:
            return True, self.responses[str(status)]
        if 200 <= status < 300:
            successes = [code for code in self.responses if code.startswith("2")]
            if len(successes) == 1:
                return True, self.responses[successes[0]]
        return False, None


@dataclass(frozen=True)
class _Route:
    spec_host: str
    regex: re.Pattern[str]
    literal_length: int
    operation: Operation


def _template_regex(template: str) -> tuple[re.Pattern[str], int]:
    """A case-insensitive regex for a spec path; `{project}` after the org may be left out.

    The SDK drops route segments that have no value, so `GET {org}/_apis/git/pullRequests/57`
    is the spec's `/{organization}/{project}/_apis/git/pullrequests/{pullRequestId}`.
    """
    parts = [p for p in template.strip("/").split("/") if p]
    pattern, literal = "", 0
    for index, part in enumerate(parts):
        if part == "{project}" and index == 1:
            pattern += r"(?:/[^/]+)?"
        elif part.startswith("{"):
            pattern += r"/[^/]+"
        else:
            pattern += "/" + re.escape(part)
            literal += len(part)
    return re.compile(rf"^{pattern}/?$", re.IGNORECASE), literal


def _definition_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _flatten(schema: Any, definitions: dict[str, Any]) -> Any:
    """Merge `allOf` parents into one object schema, recursively, so `additionalProperties:
    false` can be added without refusing the inherited properties (draft 4 has no
    unevaluatedProperties)."""
    if isinstance(schema, list):
        return [_flatten(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: _flatten(value, definitions)
        for key, value in schema.items()
        if key not in ("allOf", "properties")
    }
    if "properties" in schema:
        out["properties"] = {
            name: _flatten(prop, definitions) for name, prop in schema["properties"].items()
        }
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        required: list[str] = []
        for part in schema["allOf"]:
            if "$ref" in part:
                part = definitions[_definition_name(part["$ref"])]
            flat = _flatten(part, definitions)
            merged.update(flat.get("properties", {}))
            required += flat.get("required", [])
        merged.update(out.get("properties", {}))
        out["properties"] = merged
        out.setdefault("type", "object")
        if required or "required" in out:
            out["required"] = sorted(set(required) | set(out.get("required", [])))
    return out


def _close(schema: Any) -> Any:
    """Refuse undeclared properties wherever a schema lists its properties."""
    if isinstance(schema, list):
        return [_close(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: _close(value) if key in ("items", "additionalProperties") else value
        for key, value in schema.items()
    }
    if "properties" in schema:
        out["properties"] = {name: _close(prop) for name, prop in schema["properties"].items()}
        out.setdefault("additionalProperties", False)
    return out


def strict_definitions(definitions: dict[str, Any], *, amend: bool = True) -> dict[str, Any]:
    """The spec's definitions, amended to the wire (unless `amend` is False) and closed."""
    raw = copy.deepcopy(definitions)
    if amend:
        for name, wire in WIRE_FORMS.items():
            if name in raw:
                raw[name] = copy.deepcopy(wire.schema)
        for (name, prop), amendment in AMENDMENTS.items():
            if name in raw:
                raw[name].setdefault("properties", {})[prop] = copy.deepcopy(amendment.schema)
    return {name: _close(_flatten(schema, raw)) for name, schema in raw.items()}


def spec_uri(area: str) -> str:
    return f"urn:azdo-spec:{area}"


class SpecIndex:
    """Every operation of every spec file, findable from a concrete request."""

    def __init__(self, spec_dir: Path = SPEC_DIR, *, amend: bool = True) -> None:
        self._validators: dict[str, Draft4Validator] = {}
        self.routes: list[_Route] = []
        self.operations: dict[str, Operation] = {}
        self.definitions: dict[str, dict[str, Any]] = {}
        resources = []
        for path in spec_files(spec_dir):
            area = path.parent.parent.name
            document = json.loads(path.read_text(encoding="utf-8-sig"))
            self.definitions[area] = document.get("definitions", {})
            strict = {"definitions": strict_definitions(self.definitions[area], amend=amend)}
            resources.append(
                (spec_uri(area), Resource.from_contents(strict, default_specification=DRAFT4))
            )
            for operation, spec_host in _operations(area, document):
                if amend and operation.key in RESPONSE_AMENDMENTS:
                    operation = _amend_responses(operation, RESPONSE_AMENDMENTS[operation.key])
                regex, literal = _template_regex(operation.template)
                self.routes.append(_Route(spec_host, regex, literal, operation))
                self.operations[operation.key] = operation
        self.registry = Registry().with_resources(resources)

    def find(self, method: str, host: str, org: str | None, sub_path: str) -> Operation | None:
        """The documented operation for a request to an emulated host (None: undocumented)."""
        best: _Route | None = None
        for spec_host, with_org in SPEC_HOSTS.get(host, []):
            path = f"/{org}/{sub_path}" if with_org else f"/{sub_path}"
            for route in self.routes:
                if route.spec_host != spec_host or route.operation.method != method:
                    continue
                if route.regex.match(path.rstrip("/") or "/") and (
                    best is None or route.literal_length > best.literal_length
                ):
                    best = route
        return best.operation if best else None

    def validator(self, schema: dict[str, Any]) -> Draft4Validator:
        """A (cached) validator for a schema whose refs point into the specs."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            self._validators[key] = Draft4Validator(
                schema, registry=self.registry, format_checker=FORMATS
            )
        return self._validators[key]


def _operations(area: str, document: dict[str, Any]) -> Iterator[tuple[Operation, str]]:
    host = document.get("host", "")
    for template, methods in document.get("paths", {}).items():
        for method, op in methods.items():
            if method == "parameters":
                continue
            responses = {
                code: _absolute_refs(area, response.get("schema"))
                for code, response in op.get("responses", {}).items()
            }
            yield (
                Operation(area, method.upper(), template, op.get("operationId", ""), responses),
                host,
            )


def _amend_responses(operation: Operation, amendment: Amendment) -> Operation:
    responses = {
        code: (amendment.schema if code.startswith("2") and schema else schema)
        for code, schema in operation.responses.items()
    }
    return Operation(
        operation.area, operation.method, operation.template, operation.operation_id, responses
    )


def _absolute_refs(area: str, schema: Any) -> Any:
    """A response schema whose `#/definitions/...` refs point into its spec's resource."""
    if isinstance(schema, list):
        return [_absolute_refs(area, item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _absolute_refs(area, value) for key, value in schema.items()}
    if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#"):
        out["$ref"] = spec_uri(area) + out["$ref"]
    return out


# -- formats ------------------------------------------------------------------------------------

FORMATS = FormatChecker(formats=())
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    # .NET writes "2025-01-10T12:13:40.297Z" and, for unset dates, "0001-01-01T00:00:00".
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


@cache
def spec_index() -> SpecIndex:
    """The specs, loaded once per test session."""
    return SpecIndex()
