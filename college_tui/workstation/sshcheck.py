"""Check that an SSH key authenticates against a server whose host key is pinned.

The check uses paramiko with the host keys from a known_hosts file and a reject policy:
an unknown server is never trusted on first use. It authenticates as ``git`` with one key
(no agent, no other keys) and stops there: Azure DevOps refuses shell sessions anyway.
"""

from __future__ import annotations

import base64
import os
import socket
from typing import NoReturn

from .errors import (
    HostKeyMismatchError,
    HostKeyVerificationError,
    SshAuthError,
    SshConnectError,
)
from .knownhosts import find_host_keys, fingerprint_of, host_pattern
from .sshkeys import load_rsa_private_key

SSH_USER = "git"


def verify_ssh(
    host: str,
    port: int,
    key_path: os.PathLike[str] | str,
    passphrase: str | bytes | None,
    known_hosts_path: os.PathLike[str] | str,
    expected_host_key_alias: str | None = None,
    timeout: float = 10,
) -> str:
    """Authenticate as ``git`` on ``host:port`` with the RSA key at ``key_path``; return a summary.

    The server's key must be in ``known_hosts_path`` under ``host`` (``[host]:port`` when the
    port is not 22), or under ``expected_host_key_alias`` when given (like OpenSSH's
    ``HostKeyAlias``, e.g. the sandbox on 127.0.0.1 posing as ``ssh.dev.azure.com``).
    Raises :class:`HostKeyVerificationError` (unknown or different host key; the subclass
    :class:`HostKeyMismatchError` carries both fingerprints), :class:`SshAuthError` (key
    refused), :class:`SshConnectError` (unreachable, timeout, handshake failure) or the key
    errors of :mod:`~college_tui.workstation.sshkeys` for an unreadable key.
    """
    import paramiko

    pkey = paramiko.RSAKey(key=load_rsa_private_key(key_path, passphrase))
    server_name = host_pattern(host, port)
    lookup_name = expected_host_key_alias or server_name
    where = f"{host}:{port}"

    class _RejectUnknownHost(paramiko.RejectPolicy):
        # Same decision as RejectPolicy, with a message that says what to do.
        def missing_host_key(
            self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
        ) -> NoReturn:
            raise HostKeyVerificationError(
                f"{known_hosts_path} has no host key for {lookup_name}, and college-tui never "
                f"trusts a server on first use (the server at {where} offered {key.fingerprint}). "
                "Run the wizard's “SSH key” step again (`college-tui apply` re-runs it) to write "
                "the pinned key, then check again."
            )

    client = paramiko.SSHClient()
    # Only the keys we loaded ourselves: no system known_hosts, and nothing is ever saved back.
    for entry in find_host_keys(known_hosts_path, lookup_name):
        try:
            key = paramiko.PKey.from_type_string(entry.key_type, base64.b64decode(entry.key_base64))
        except Exception:  # an entry paramiko cannot parse cannot vouch for the server
            continue
        client.get_host_keys().add(server_name, entry.key_type, key)
    client.set_missing_host_key_policy(_RejectUnknownHost())
    try:
        client.connect(
            host,
            port=port,
            username=SSH_USER,
            pkey=pkey,
            allow_agent=False,
            look_for_keys=False,
            timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
        )
        transport = client.get_transport()
        if transport is None or not transport.is_authenticated():
            raise SshAuthError(_refused_message(where))
        server_fp = transport.get_remote_server_key().fingerprint
        return f"authenticated as {SSH_USER} on {where} (server key {server_fp})"
    except paramiko.BadHostKeyException as exc:
        found, expected = exc.key.fingerprint, exc.expected_key.fingerprint
        raise HostKeyMismatchError(
            f"The server at {where} presented the host key {found}, but {known_hosts_path} "
            f"pins {expected} for {lookup_name}. Someone may be intercepting the connection, "
            "or you are on a network that redirects SSH. Do not continue: try another network "
            "or ask your trainer.",
            host=lookup_name,
            expected_fingerprint=expected,
            found_fingerprint=found,
        ) from None
    except paramiko.AuthenticationException:
        raise SshAuthError(_refused_message(where)) from None
    except paramiko.ssh_exception.NoValidConnectionsError:
        raise SshConnectError(
            f"The connection to {where} was refused. Check the host name and port, and that "
            "nothing (firewall, proxy) blocks SSH, then try again."
        ) from None
    except TimeoutError:
        raise SshConnectError(
            f"The connection to {where} timed out after {timeout:g} s. Check your network "
            "(company networks often block SSH on port 22) and try again."
        ) from None
    except socket.gaierror:
        raise SshConnectError(
            f"The host name {host} could not be resolved. Check your network connection and "
            "DNS, then try again."
        ) from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise SshConnectError(
            f"The SSH connection to {where} failed ({type(exc).__name__}: {exc}). Check your "
            "network and try again."
        ) from None
    finally:
        client.close()


def ssh_blocked(host: str, port: int, timeout: float = 3.0) -> str | None:
    """Why a TCP connection to ``host:port`` fails ("connection refused", "timed out after 3 s"
    ...), or None when it opens: a quick test of whether SSH can get through at all."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return f"the connection to {host}:{port} was refused"
    except TimeoutError:
        return f"the connection to {host}:{port} timed out after {timeout:g} s"
    except socket.gaierror:
        return f"the host name {host} could not be resolved"
    except OSError as exc:
        return f"the connection to {host}:{port} failed ({exc.strerror or exc})"


def _refused_message(where: str) -> str:
    return (
        f"The server at {where} refused the key: is it registered in Azure DevOps → User "
        "settings → SSH public keys? Add the public key there (or wait a minute after adding "
        "it) and check again."
    )


def open_tcp(host: str, port: int, timeout: float = 5) -> None:
    """Open and close a TCP connection to ``host:port``; SshConnectError when that fails."""
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except socket.gaierror:
        raise SshConnectError(f"The host name {host} could not be resolved.") from None
    except TimeoutError:
        raise SshConnectError(f"Nothing answered on {where} within {timeout:g} s.") from None
    except ConnectionRefusedError:
        raise SshConnectError(f"The connection to {where} was refused.") from None
    except OSError as exc:
        raise SshConnectError(
            f"The connection to {where} failed ({exc.strerror or exc})."
        ) from None


def check_host_key(
    host: str, port: int, key_type: str, key_base64: str, timeout: float = 10
) -> str:
    """Run an SSH handshake with ``host:port`` and compare its host key with the pinned one.

    Nothing authenticates and nothing is written: the key exchange proves the server holds the
    private half of the key it shows. Returns the server's SHA256 fingerprint; raises
    :class:`HostKeyMismatchError` for another key and :class:`SshConnectError` when the
    handshake fails. For an RSA key only rsa-sha2 host-key signatures are accepted.
    """
    import paramiko

    where = f"{host}:{port}"
    expected = fingerprint_of(key_base64)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise SshConnectError(f"The connection to {where} failed ({exc}).") from None
    transport = paramiko.Transport(sock)
    try:
        if key_type == "ssh-rsa":
            transport.get_security_options().key_types = ("rsa-sha2-512", "rsa-sha2-256")
        transport.start_client(timeout=timeout)
        server_key = transport.get_remote_server_key()
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise SshConnectError(
            f"The SSH handshake with {where} failed ({type(exc).__name__}: {exc})."
        ) from None
    finally:
        transport.close()
    found = fingerprint_of(server_key.get_base64())
    if server_key.get_base64() != key_base64.strip():
        raise HostKeyMismatchError(
            f"The server at {where} presented the host key {found}, but the pinned key is "
            f"{expected}. Someone may be intercepting the connection, or you are on a network "
            "that redirects SSH. Do not continue: try another network or ask your trainer.",
            host=host,
            expected_fingerprint=expected,
            found_fingerprint=found,
        )
    return found
