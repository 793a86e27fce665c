"""The college-tui block in ``~/.ssh/config``.

Our block sits at the very top of the file between two marker lines. OpenSSH takes the first
value it finds for each option, so a ``Host *`` further up would otherwise win. The block ends
with ``Host *`` so that lines which were global before (options above the user's first
``Host``) stay global. Everything outside the markers is preserved byte for byte, CRLF files
stay CRLF, the file keeps its mode (new files are 0600) and every write is atomic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .change import Change
from .errors import SshConfigError, file_error, utf16_sentence
from .hostos import here

BEGIN_MARKER = "# >>> college-tui (managed block; edit outside these markers) >>>"
END_MARKER = "# <<< college-tui <<<"
_SCOPE_RESET_COMMENT = "# Back to all hosts, so the lines below apply everywhere as before."

_TOKEN_RE = re.compile(r"^[A-Za-z0-9._:\[\]*?!-]+$")
_USER_RE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class ManagedBlock:
    """The college-tui block as found in a config file."""

    host_alias: str
    options: dict[str, str]  # option name as written -> value, unquoted, in file order
    text: str  # the block's lines, markers included, as they are in the file
    start_line: int  # 1-based line number of the start marker


def ensure_host_block(
    config_path: os.PathLike[str] | str,
    host_alias: str,
    identity_file: os.PathLike[str] | str,
    **block: Any,
) -> Change:
    """Write or update our ``Host`` block at the top of ``config_path`` (``block``: the other
    keyword arguments of :func:`render_block`, the newline aside).

    Returns ``Change.CREATED`` (no block before), ``Change.UPDATED`` (block replaced or moved
    to the top) or ``Change.UNCHANGED`` (already identical; the file is not written).
    Raises :class:`SshConfigError` for values ssh config cannot express or broken markers, and
    :class:`FileWriteError` when the file cannot be read or written.
    """
    path = Path(config_path)
    old = _read(path)
    text = old.decode("utf-8", "surrogateescape") if old is not None else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    rest, found = _without_block(text, path)
    new_text = render_block(host_alias, identity_file, **block, newline=newline) + rest
    if old is not None and new_text == text:
        return Change.UNCHANGED
    write_atomic(path, new_text.encode("utf-8", "surrogateescape"), mode=0o600)
    return Change.CREATED if found is None else Change.UPDATED


def retarget_port(config_path: os.PathLike[str] | str, port: int) -> Change:
    """Point our block at another ``Port``, keeping every other line; used when the sandbox's
    SSH server had to move to a new port (its old one was taken).

    Returns ``Change.UPDATED``, or ``Change.UNCHANGED`` when there is no block, the block has
    no ``Port`` (it is not redirected) or already says ``port``.
    """
    block = read_block(config_path)
    if (
        block is None
        or block.options.get("Port") in (None, str(port))
        or "IdentityFile" not in block.options
    ):
        return Change.UNCHANGED
    options = block.options
    return ensure_host_block(
        config_path,
        block.host_alias,
        options["IdentityFile"],
        hostname=options.get("HostName"),
        port=port,
        user=options.get("User", "git"),
        known_hosts_file=options.get("UserKnownHostsFile"),
        host_key_alias=options.get("HostKeyAlias"),
    )


def remove_host_block(config_path: os.PathLike[str] | str) -> Change:
    """Remove our block from ``config_path``; the rest of the file stays byte for byte.

    Returns ``Change.REMOVED``, or ``Change.UNCHANGED`` when there was no file or no block.
    """
    path = Path(config_path)
    old = _read(path)
    if old is None:
        return Change.UNCHANGED
    text = old.decode("utf-8", "surrogateescape")
    rest, found = _without_block(text, path)
    if found is None:
        return Change.UNCHANGED
    write_atomic(path, rest.encode("utf-8", "surrogateescape"))
    return Change.REMOVED


def read_block(config_path: os.PathLike[str] | str) -> ManagedBlock | None:
    """Return our block in ``config_path`` (parsed), or None when the file or block is absent."""
    path = Path(config_path)
    old = _read(path)
    if old is None:
        return None
    text = old.decode("utf-8", "surrogateescape")
    lines = _split_lines(text)
    span = _find_block(lines, path)
    if span is None:
        return None
    start, end = span
    host_alias = ""
    options: dict[str, str] = {}
    for raw in lines[start + 1 : end]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.replace("=", " ", 1).partition(" ")
        value = _unquote(value.strip())
        if key.lower() == "host":
            if host_alias:
                break  # the trailing "Host *" scope reset
            host_alias = value
            continue
        options[key] = value
    return ManagedBlock(
        host_alias=host_alias,
        options=options,
        text="".join(lines[start : end + 1]),
        start_line=start + 1,
    )


def render_block(
    host_alias: str,
    identity_file: os.PathLike[str] | str,
    hostname: str | None = None,
    port: int | None = None,
    user: str = "git",
    known_hosts_file: os.PathLike[str] | str | None = None,
    host_key_alias: str | None = None,
    newline: str = "\n",
) -> str:
    """Return the text of our block (markers included, ending with ``newline``)."""
    lines = [BEGIN_MARKER, f"Host {_token(host_alias, 'host alias')}"]
    if hostname:
        lines.append(f"  HostName {_token(hostname, 'host name')}")
    if port is not None:
        if not isinstance(port, int) or not 0 < port < 65536:
            raise SshConfigError(f"Port {port!r} is not a valid TCP port; use 1 to 65535.")
        lines.append(f"  Port {port}")
    if not _USER_RE.match(user or ""):
        raise SshConfigError(
            f"User name {user!r} cannot be written to ssh config; use letters and digits."
        )
    lines.append(f"  User {user}")
    lines.append(f"  IdentityFile {_path_value(identity_file)}")
    lines.append("  IdentitiesOnly yes")
    if host_key_alias:
        lines.append(f"  HostKeyAlias {_token(host_key_alias, 'host key alias')}")
    if known_hosts_file is not None:
        lines.append(f"  UserKnownHostsFile {_path_value(known_hosts_file)}")
    lines += [_SCOPE_RESET_COMMENT, "Host *", END_MARKER]
    return newline.join(lines) + newline


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise file_error(exc, "read", path) from exc
    utf16 = utf16_sentence(data, path)
    if utf16:
        raise SshConfigError(utf16)
    return data


def _split_lines(text: str) -> list[str]:
    # Split on "\n" only (str.splitlines also splits on \x0c, \u2028...) and keep the endings.
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _find_block(lines: list[str], path: Path) -> tuple[int, int] | None:
    starts = [i for i, line in enumerate(lines) if line.strip() == BEGIN_MARKER]
    if not starts:
        return None
    if len(starts) > 1:
        raise SshConfigError(
            f"{path} contains the college-tui start marker {len(starts)} times. Delete the "
            "duplicate college-tui blocks by hand and run the step again."
        )
    start = starts[0]
    for i in range(start + 1, len(lines)):
        if lines[i].strip() == END_MARKER:
            return start, i
    raise SshConfigError(
        f"{path} has a college-tui start marker (line {start + 1}) but no end marker, so "
        "college-tui cannot tell where its block ends. Delete that block by hand and run the "
        "step again."
    )


def _without_block(text: str, path: Path) -> tuple[str, int | None]:
    """Return the text without our block, and the block's start index (None when absent)."""
    lines = _split_lines(text)
    span = _find_block(lines, path)
    if span is None:
        return text, None
    start, end = span
    return "".join(lines[:start] + lines[end + 1 :]), start


def _token(value: str, what: str) -> str:
    if not value or not _TOKEN_RE.match(value):
        raise SshConfigError(
            f"The {what} {value!r} cannot be written to ssh config (no spaces, quotes or "
            "special characters allowed). Check the value and run the step again."
        )
    return value


def _path_value(path: os.PathLike[str] | str) -> str:
    """Format a file path for ssh config: absolute, % escaped, quoted if it has spaces."""
    text = os.path.abspath(os.fspath(path))
    text = here().command_path(text)  # Windows: forward slashes, as ssh config takes them
    if '"' in text or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise SshConfigError(
            f"The path {text!r} contains quotes or control characters that ssh config cannot "
            "express. Choose a simpler path and run the step again."
        )
    text = text.replace("%", "%%")  # IdentityFile and UserKnownHostsFile expand %-tokens
    return f'"{text}"' if any(ch.isspace() for ch in text) else text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value.replace("%%", "%")


# Options that change nothing about which key, host, port or algorithms reach Azure DevOps.
_HARMLESS_OPTIONS = frozenset(
    o.lower()
    for o in (
        "AddKeysToAgent",
        "UseKeychain",
        "ServerAliveInterval",
        "ServerAliveCountMax",
        "TCPKeepAlive",
        "Compression",
        "ForwardAgent",
        "ForwardX11",
        "ForwardX11Trusted",
        "ControlMaster",
        "ControlPath",
        "ControlPersist",
        "LogLevel",
        "VisualHostKey",
        "HashKnownHosts",
        "SendEnv",
        "SetEnv",
        "ConnectTimeout",
        "ConnectionAttempts",
        "RequestTTY",
        "EscapeChar",
        "IdentityFile",
        "User",
        "IdentitiesOnly",  # ours come first and win (IdentityFile adds)
    )
)


@dataclass(frozen=True)
class OtherBlock:
    """A ``Host`` block (not ours) that also applies to a host alias."""

    line: int  # 1-based line of its ``Host`` line (0: options before the first ``Host``)
    patterns: str  # as written after ``Host``
    options: tuple[str, ...]  # option names it sets that matter for the connection
    explicit: bool  # names the alias itself (not only through a wildcard)


def other_blocks_for(config_path: os.PathLike[str] | str, host_alias: str) -> list[OtherBlock]:
    """Blocks outside college-tui's markers in ``config_path`` that also apply to ``host_alias``.

    A wildcard block (``Host *``, ``Host *.azure.com``) is listed only when it sets an option
    that changes the connection (ProxyCommand, Port, HostkeyAlgorithms...); one naming the alias
    itself is always listed. ``Match`` blocks and ``Include`` files are not followed.
    """
    path = Path(config_path)
    raw = _read(path)
    if raw is None:
        return []
    lines = _split_lines(raw.decode("utf-8", "surrogateescape"))
    try:
        span = _find_block(lines, path)
    except SshConfigError:
        span = None
    found: list[OtherBlock] = []
    current: tuple[int, str, bool, bool] | None = (0, "*", True, False)  # before any Host
    options: list[str] = []

    def close() -> None:
        if current is None:
            return
        number, patterns, applies, explicit = current
        relevant = tuple(o for o in options if o.lower() not in _HARMLESS_OPTIONS)
        if applies and (explicit or relevant):
            found.append(OtherBlock(number, patterns, tuple(dict.fromkeys(relevant)), explicit))

    for index, raw_line in enumerate(lines):
        if span is not None and span[0] <= index <= span[1]:
            continue
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.replace("=", " ", 1).partition(" ")
        if key.lower() in ("host", "match"):
            close()
            options = []
            if key.lower() == "match":
                current = None
                continue
            patterns = value.split()
            explicit = any(p.lower() == host_alias.lower() for p in patterns)
            current = (index + 1, value.strip(), _host_matches(patterns, host_alias), explicit)
            continue
        options.append(key)
    close()
    return found


def _host_matches(patterns: list[str], host: str) -> bool:
    """OpenSSH's rule: some pattern matches and no negated (``!``) pattern does."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if fnmatchcase(host.lower(), pattern.lstrip("!").lower()):
            if negated:
                return False
            matched = True
    return matched
