"""The contract observer: every body a test's sandbox answers is checked against its schema.

tests/conftest.py registers `ContractObserver` with `register_sandbox_observer`, so each sandbox a
test starts gets one; the sandbox calls it for every answered request, and at the end of the test
`finish()` fails the test with a readable list of the violations it saw. Every check is also
recorded in `SESSION`, which tells which spec operations the whole test session exercised.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

import pytest

from .validate import Check, Violation, check_response, find_operation

_PARAM = re.compile(r"\{(\*?)(\w+)\}")


def concrete_path(template: str, params: dict[str, str], *, keep_tail: bool = True) -> str:
    """The request path a route template matched, rebuilt from its parameters.

    With `keep_tail=False` a trailing catch-all (`{*filter}`) is left out: the SDK's route
    templates end in one where the spec takes the value as a query parameter.
    """
    if not keep_tail:
        template = re.sub(r"/?\{\*\w+\}$", "", template)

    def fill(match: re.Match[str]) -> str:
        return params.get(match.group(2), "") or ""

    return "/".join(part for part in _PARAM.sub(fill, template).split("/") if part)


class ExercisedOperations:
    """Which operations the test session checked, and how (thread-safe)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def record(self, check: Check) -> None:
        with self._lock:
            self.counts[
                (check.operation or f"(none) {check.method} {check.path}", check.outcome)
            ] += 1

    def operations(self, outcome: str | None = None) -> set[str]:
        """The operation keys checked (with the given outcome, if any)."""
        with self._lock:
            return {op for op, out in self.counts if outcome is None or out == outcome}

    def as_rows(self) -> list[list]:
        """The counts as plain rows [operation, outcome, count] (what an xdist worker sends)."""
        with self._lock:
            return [[op, outcome, n] for (op, outcome), n in self.counts.items()]

    def merge(self, rows: list[list]) -> None:
        """Add a worker's rows (`as_rows`) to these counts."""
        with self._lock:
            for op, outcome, n in rows:
                self.counts[(op, outcome)] += n

    def summary(self) -> str:
        specified = {op for op in self.operations() if not op.startswith(("(none)", "unspec"))}
        undocumented = {op for op in self.operations() if op.startswith("unspecified:")}
        return (
            f"contract: {sum(self.counts.values())} bodies checked; "
            f"{len(specified)} spec operations and {len(undocumented)} undocumented "
            f"endpoints exercised"
        )


SESSION = ExercisedOperations()


class ContractObserver:
    """Sandbox observer that validates each answered body; `finish()` fails on a violation."""

    def __init__(self, session: ExercisedOperations | None = SESSION) -> None:
        self.session = session
        self.checks: list[Check] = []
        self._lock = threading.Lock()

    def __call__(self, method: str, host: str, template: str, call: Any, reply: Any) -> None:
        """The sandbox's callback, run on its server thread: it never raises.

        An exception here would reach the ASGI server, which logs its traceback on another
        thread while pytest formats failures; on Python 3.11.7 two `ast.parse` calls at once
        (the traceback module's and pytest's) clobber a shared counter and pytest dies with
        "INTERNALERROR> SystemError: AST constructor recursion depth mismatch" (CPython
        gh-106905). So a check that cannot run (missing specs, an unresolvable `$ref`) is a
        violation, reported by `finish()` on the test's own thread.
        """
        accept = (call.headers or {}).get("accept", "").replace(" ", "").lower()
        try:
            self.observe(
                method,
                host,
                call.org,
                template,
                call.params,
                reply.status,
                None if method == "HEAD" else reply.body,
                array_wrap="noarraywrap=true" not in accept,
            )
        except Exception as error:  # any failure of the check itself: see the docstring
            path = concrete_path(template, call.params)
            broken = Check(
                method,
                path,
                reply.status,
                None,
                "unchecked",
                (
                    Violation(
                        method,
                        path,
                        reply.status,
                        "",
                        f"the contract check could not run: {type(error).__name__}: {error}",
                    ),
                ),
            )
            with self._lock:
                self.checks.append(broken)

    def observe(
        self,
        method: str,
        host: str,
        org: str | None,
        template: str,
        params: dict[str, str],
        status: int,
        body: Any,
        *,
        array_wrap: bool = True,
    ) -> Check:
        """Check one answer (the sandbox's callback calls this; tests may call it directly)."""
        sub_path = concrete_path(template, params)
        operation = find_operation(method, host, org, sub_path)
        if operation is None:
            shorter = concrete_path(template, params, keep_tail=False)
            operation = find_operation(method, host, org, shorter)
            sub_path = shorter if operation else sub_path
        check = check_response(
            method, host, org, sub_path, status, body, operation=operation, array_wrap=array_wrap
        )
        with self._lock:
            self.checks.append(check)
        if self.session is not None:
            self.session.record(check)
        return check

    @property
    def violations(self) -> list[Violation]:
        with self._lock:
            return [v for check in self.checks for v in check.violations]

    def validated(self, outcome: str = "schema") -> set[str]:
        """Operation keys this observer checked with the given outcome."""
        with self._lock:
            return {c.operation for c in self.checks if c.operation and c.outcome == outcome}

    def report(self) -> str:
        violations = self.violations
        lines = [
            f"{len(violations)} contract violation(s) in sandbox answers "
            "(tests/contract: Microsoft's specs + unspecified.py):"
        ]
        lines += [f"  - {v}" for v in violations[:50]]
        if len(violations) > 50:
            lines.append(f"  ... and {len(violations) - 50} more")
        return "\n".join(lines)

    def finish(self) -> None:
        """Fail the test if any answer broke its contract."""
        if self.violations:
            pytest.fail(self.report(), pytrace=False)
