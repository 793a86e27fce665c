"""Azure-identity's failures as sentences for the attendee: never its raw text or JSON on screen
(the AADSTS code and correlation id go to `AzdoError.detail`, for the log file only), and its
loggers kept off stderr."""

from __future__ import annotations

import logging
import re

from .errors import AzdoError, personal_account

# Entra errors a personal Microsoft account (MSA) meets on the Azure DevOps resource.
_MSA_CODES = (
    "AADSTS50020",
    "AADSTS90072",
    "AADSTS500011",
    "AADSTS9002331",
    "AADSTS9002332",
    "AADSTS500200",
    "AADSTS50177",
)
# Conditional access wants more than the sign-in gave (multi-factor authentication, a compliant
# device, a trusted location).
_POLICY_CODES = ("AADSTS50076", "AADSTS50079", "AADSTS50158", "AADSTS53000", "AADSTS53003")
# Conditional Access refusals that, during a device-code sign-in, mean "not this way".
_DEVICE_CODE_BLOCKS = ("AADSTS53003", "AADSTS53000", "AADSTS50097", "AADSTS530033")
_MSA_WORDS = re.compile(
    r"live\.com|personal microsoft account|microsoft account \(msa\)|\bMSA\b|/consumers|"
    r"9188040d-6c67-4c5b-b112-36a304b66dad",
    re.IGNORECASE,
)


def is_personal_account_error(text: str) -> bool:
    """Whether an Entra error message says a personal Microsoft account can't use the resource."""
    return any(code in text for code in _MSA_CODES) or bool(_MSA_WORDS.search(text))


def entra_error(error: BaseException, *, device_code: bool = False) -> AzdoError:
    """An azure-identity failure as a sentence for the attendee (never its raw text or JSON:
    the AADSTS code and correlation id go to `.detail`, for the log file only)."""
    text = str(error)
    detail = _codes(text)
    if is_personal_account_error(text):
        return personal_account()
    if device_code and any(code in text for code in _DEVICE_CODE_BLOCKS):
        # Microsoft-managed Conditional Access policies block the device-code flow in many
        # tenants (2025): another way of signing in works, so say which.
        refused = AzdoError(
            "Your organisation blocks device-code sign-in (a Conditional Access policy refused it).",
            type_key="DeviceCodeBlocked",
        )
        refused.detail = detail
        return refused
    if any(code in text for code in _POLICY_CODES):
        return AzdoError(
            "Your organisation's sign-in policy (multi-factor authentication or conditional "
            "access) refused a token for Azure DevOps. Sign in again with browser sign-in and "
            "complete the extra check it asks for, or ask your administrator; a personal access "
            "token works meanwhile.",
            type_key="ConditionalAccessRefused",
        )
    name = type(error).__name__
    if name == "CredentialUnavailableError":
        return AzdoError(
            f"Sign-in with Microsoft Entra is not available here: {text.strip() or name}. Try "
            "another sign-in method (device code works without a browser on this machine) or a "
            "personal access token."
        )
    failed = AzdoError(
        f"Sign-in with Microsoft Entra failed: {_human(text) or name}. Try again, or sign in "
        "with a personal access token."
    )
    failed.detail = detail
    return failed


def _human(text: str) -> str:
    """The words of an Entra refusal without its code, trace ids or JSON (those stay in the
    log): "AADSTS50126: Invalid username or password. Trace ID: …" -> "Invalid username or
    password"."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = re.sub(r"^.*?AADSTS\d+:\s*", "", first)
    first = re.split(r"\s+(?:Trace ID|Correlation ID|Timestamp):", first)[0]
    return first.strip().rstrip(".")


def _codes(text: str) -> str:
    """The AADSTS code(s) and correlation id of an Entra error, for the log file only."""
    codes = sorted(set(re.findall(r"AADSTS\d+", text)))
    correlation = re.search(r"Correlation ID: ([0-9a-fA-F-]{36})", text)
    return " ".join(codes + ([f"correlation {correlation.group(1)}"] if correlation else []))


def quiet_azure_logs() -> None:
    """azure-identity logs each refusal at WARNING with the service's raw JSON; with no logging
    configured Python prints that to stderr, over the wizard's screen and apply's output. Those
    loggers write nowhere (the error itself reaches the attendee as a sentence)."""
    for name in ("azure.identity", "azure.core", "msal"):
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
