"""Check one response of the emulated service against its schema.

`check_response` finds the operation (Microsoft's specs first, then the hand-written schemas of
undocumented endpoints), picks the schema for the status, unwraps the service's `{count, value}`
collection wrapper where the spec declares a bare array, and validates strictly. Failed calls are
checked against the service's error body (WrappedException) whatever the operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .specs import Operation, SpecIndex, spec_index
from .unspecified import WRAPPED_EXCEPTION, find_undocumented


@dataclass(frozen=True)
class Violation:
    """One way a response breaks its contract."""

    method: str
    path: str
    status: int
    pointer: str  # JSON pointer into the body, "" for the whole body
    message: str

    def __str__(self) -> str:
        return (
            f"{self.method} {self.path} -> {self.status} at {self.pointer or '/'}: {self.message}"
        )


@dataclass(frozen=True)
class Check:
    """What was checked for one response and what came of it."""

    method: str
    path: str
    status: int
    operation: str | None  # "area:operationId", None when nothing documents the endpoint
    outcome: str  # "schema", "no body", "error body" or "unchecked"
    violations: tuple[Violation, ...] = field(default=())


def display_path(host: str, org: str | None, sub_path: str) -> str:
    """The request path on the sandbox's single port, e.g. `/vssps/org/_apis/...`."""
    sub_path = sub_path.strip("/")
    if host == "app":
        return f"/app/{sub_path}"
    prefix = f"/{org}" if host == "dev" else f"/{host}/{org}"
    return f"{prefix}/{sub_path}"


def find_operation(
    method: str, host: str, org: str | None, sub_path: str, index: SpecIndex | None = None
) -> Operation | None:
    """The documented operation, else the hand-written one, for a request."""
    sub_path = sub_path.strip("/")
    return (index or spec_index()).find(method, host, org, sub_path) or find_undocumented(
        method, host, sub_path
    )


def check_response(
    method: str,
    host: str,
    org: str | None,
    sub_path: str,
    status: int,
    body: Any,
    *,
    operation: Operation | None = None,
    index: SpecIndex | None = None,
    array_wrap: bool = True,
) -> Check:
    """Validate one response body; the returned `Check` lists every violation found.

    `array_wrap=False` when the client asked for bare arrays (`Accept: ...;noArrayWrap=true`).
    """
    index = index or spec_index()
    path = display_path(host, org, sub_path)
    operation = operation or find_operation(method, host, org, sub_path, index)
    key = operation.key if operation else None

    def fail(outcome: str, problems: list[tuple[str, str]]) -> Check:
        return Check(
            method,
            path,
            status,
            key,
            outcome,
            tuple(Violation(method, path, status, p, m) for p, m in problems),
        )

    if method == "HEAD":  # headers only, found or not (spec Memberships/CheckMembershipExistence)
        return fail("no body", [])
    if status >= 400:
        if not isinstance(body, dict):
            return fail(
                "error body",
                [("", f"an error needs the service's JSON error body, got {_kind(body)}")],
            )
        return fail("error body", _validate(index, WRAPPED_EXCEPTION, body))
    if operation is None:
        return fail(
            "unchecked",
            [
                (
                    "",
                    "no schema documents this endpoint: add one to "
                    "tests/contract/unspecified.py, citing its source",
                )
            ],
        )
    documented, schema = operation.response_schema(status)
    if not documented:
        return fail(
            "unchecked",
            [
                (
                    "",
                    f"status {status} is not a documented answer of "
                    f"{operation.key} ({', '.join(operation.responses)})",
                )
            ],
        )
    if schema is None:
        if body not in (None, "", b""):
            return fail(
                "no body", [("", f"{operation.key} answers without a body, got {_kind(body)}")]
            )
        return fail("no body", [])
    if not isinstance(body, (dict, list)):
        return fail("schema", [("", f"expected a JSON body, got {_kind(body)}")])
    if _is_collection(index, schema):
        if not array_wrap:
            return fail("schema", _validate(index, schema, body))
        if isinstance(body, list):
            return fail(
                "schema",
                [("", "the service wraps collections as {count, value}, got a bare array")],
            )
        problems = _validate(index, _collection_of(schema), body)
        if not problems and body["count"] != len(body["value"]):
            problems.append(("/count", f"count {body['count']} but {len(body['value'])} values"))
        return fail("schema", problems)
    return fail("schema", _validate(index, schema, body))


def _is_collection(index: SpecIndex, schema: dict[str, Any]) -> bool:
    """Arrays and dictionaries: the service sends both inside its `{count, value}` wrapper
    (e.g. Graph SubjectLookup's map in test_devops_group_and_member_tests.yaml #15)."""
    if "$ref" in schema:
        schema = index.registry.resolver().lookup(schema["$ref"]).contents
    if schema.get("type") == "array":
        return True
    return (
        schema.get("type") == "object"
        and "properties" not in schema
        and isinstance(schema.get("additionalProperties"), dict)
    )


def _collection_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["count", "value"],
        "properties": {"count": {"type": "integer"}, "value": schema},
    }


def _validate(index: SpecIndex, schema: dict[str, Any], body: Any) -> list[tuple[str, str]]:
    validator = index.validator(schema)
    problems = []
    for error in validator.iter_errors(body):
        pointer = "".join(f"/{part}" for part in error.absolute_path)
        message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
        problems.append((pointer, message))
    return sorted(problems)


def _kind(body: Any) -> str:
    if body is None or body == "":
        return "no body"
    if isinstance(body, (str, bytes)):
        return f"text {body[:60]!r}"
    return type(body).__name__
