"""Seeded fault injection: latency, 5xx, 429 with Retry-After and dropped connections.

SPEC is a comma-separated list, e.g. `latency=0.05,5xx=0.1,429=0.05,retry_after=1,drop=0.05,seed=7`.
Rates are probabilities per request. The same seed gives the same sequence of faults.
`ssh=closed` keeps the SSH git server from listening (a firewall that blocks port 22): the REST
API still hands out the sshUrl, and git over HTTPS still works.
`mfa=required` makes the identity provider refuse every token as conditional access does when it
wants multi-factor authentication (AADSTS50076).
`orgs=restricted` turns on the sandbox tenant's "Restrict organization creation" policy: its
sign-up page refuses to create an organisation for the tenant's work accounts (a personal
Microsoft account, outside the tenant, still may), as the real portal does.

Today's service rules (2025-2026), each off unless asked for:
`devicecode=blocked`: Conditional Access blocks the device-code flow (AADSTS53003 on the
device-code grant), as Microsoft-managed policies do in many tenants.
`pats=restricted`: the "Restrict personal access token creation" policy: the tokens page and the
PAT API refuse to create a token (existing tokens keep working).
`sshpolicy=off`: the organisation's "SSH authentication" policy is off: SSH keys are refused and
so is git over SSH.
`guests=off`: the organisation does not allow guests: inviting an address outside the tenant
is refused with 5102.
`licences=counted`: five free Basic seats per organisation (owner included), a sixth Basic refused;
Stakeholders are refused on the Repos routes and on git over SSH and HTTPS for private projects.
Every organisation's SSH key registrations carry `validTo`, and the SSH server always refuses a
key past it (no fault needed; a test moves the date).

Light to import (the command line's help and the opening read `KINDS` and parse a spec): the ASGI
layer that injects the faults is in fault_injector.py.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

# attribute -> (lowest, highest, what it is): values outside are refused (a NaN latency once made
# every request of a run wait, and a run took minutes).
_RANGES = {
    "latency": (0, 10, "a delay in seconds"),
    "error_rate": (0, 1, "a probability"),
    "throttle_rate": (0, 1, "a probability"),
    "drop_rate": (0, 1, "a probability"),
    "retry_after": (0, 600, "a whole number of seconds"),
    "seed": (0, 2**32 - 1, "a whole number"),
}


# The on/off faults: name -> (attribute, the value that turns it on, the value that turns it off).
_SWITCHES = {
    "ssh": ("ssh_closed", "closed", "open"),
    "mfa": ("mfa_required", "required", "off"),
    "orgs": ("orgs_restricted", "restricted", "open"),
    "devicecode": ("devicecode_blocked", "blocked", "allowed"),
    "pats": ("pats_restricted", "restricted", "open"),
    "sshpolicy": ("sshpolicy_off", "off", "on"),
    "guests": ("guests_off", "off", "on"),
    "licences": ("licences_counted", "counted", "off"),
}
# Every kind, as help texts and the refusal of an unknown one say it.
KINDS = "latency=S, 5xx=P, 429=P, retry_after=S, drop=P, seed=N, " + ", ".join(
    f"{name}={on}" for name, (_attr, on, _off) in _SWITCHES.items()
)


@dataclass
class Faults:
    latency: float = 0.0  # seconds added to every request
    error_rate: float = 0.0  # share of requests answered 503
    throttle_rate: float = 0.0  # share of requests answered 429
    retry_after: int = 1  # seconds, sent with 429
    drop_rate: float = 0.0  # share of connections dropped (before or after the work is done)
    seed: int = 0
    ssh_closed: bool = False  # the SSH server refuses every connection
    mfa_required: bool = False  # the identity provider refuses tokens with AADSTS50076
    orgs_restricted: bool = False  # the tenant forbids its accounts to create organisations
    devicecode_blocked: bool = False  # Conditional Access refuses the device-code grant (53003)
    pats_restricted: bool = False  # no new personal access tokens (tokens page, PAT API)
    sshpolicy_off: bool = False  # the organisations refuse SSH keys and git over SSH
    guests_off: bool = False  # invitations outside the tenant refused with 5102
    licences_counted: bool = False  # 5 free Basic seats; Stakeholders have no Repos

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        faults = cls()
        if not spec:
            return faults
        names = {
            "latency": "latency",
            "5xx": "error_rate",
            "429": "throttle_rate",
            "retry_after": "retry_after",
            "drop": "drop_rate",
            "seed": "seed",
        }
        for item in spec.split(","):
            if not item.strip():
                continue
            key, _, value = item.partition("=")
            key = key.strip().lower()
            if key in _SWITCHES:
                attr, on, off = _SWITCHES[key]
                if value.strip().lower() not in (on, off):
                    raise ValueError(f"fault {key} is {on} or {off}, got {value!r}")
                setattr(faults, attr, value.strip().lower() == on)
                continue
            if key not in names or not value:
                raise ValueError(f"unknown fault {item!r}: use {KINDS}")
            attr = names[key]
            low, high, what = _RANGES[attr]
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"fault {key} needs a number, got {value!r}") from None
            if attr in (
                "retry_after",
                "seed",
            ):  # whole numbers: 1.5 is told the rule, not "no number"
                if not (math.isfinite(number) and number.is_integer()):
                    raise ValueError(f"fault {key} is {what} from {low} to {high}, got {value}")
                number = int(number)
            if not (math.isfinite(number) and low <= number <= high):  # nan passes no comparison
                raise ValueError(f"fault {key} is {what} from {low} to {high}, got {value}")
            setattr(faults, attr, number)
        return faults

    @property
    def active(self) -> bool:
        return any((self.latency, self.error_rate, self.throttle_rate, self.drop_rate))


class FaultPlan:
    """Draws the fault for each request from a seeded generator (thread-safe)."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """One of None, "5xx", "429", "drop-before", "drop-after"."""
        f = self.faults
        if not (f.error_rate or f.throttle_rate or f.drop_rate):
            return None
        with self._lock:
            roll, half = self._rng.random(), self._rng.random()
        if roll < f.error_rate:
            return "5xx"
        roll -= f.error_rate
        if roll < f.throttle_rate:
            return "429"
        roll -= f.throttle_rate
        if roll < f.drop_rate:
            # After: the work is done but the answer is lost, the case that tests re-checking.
            return "drop-after" if half < 0.5 else "drop-before"
        return None
