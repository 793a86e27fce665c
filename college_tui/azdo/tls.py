"""The operating system's trust store for every HTTPS call: the wizard's own requests, the SDK's
(msrest) and azure-identity's, all through `requests`/urllib3.

requests trusts certifi's list only, so on a company laptop behind a TLS-inspecting proxy (which
re-signs every site with the company's CA, installed in the OS store) every call failed with a
certificate error. `truststore` (as pip does since 24.2) makes Python's ssl verify with the OS:
Windows' and macOS' stores, and OpenSSL's default paths on Linux (which honour SSL_CERT_FILE and
SSL_CERT_DIR). certifi's list, which requests still loads, stays trusted too. Called before the
first HTTPS call of a run, never at import of anything the first frame loads (truststore's
injection imports requests).
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_done = False


def use_system_trust() -> bool:
    """Verify TLS with the OS trust store from now on (once per process); False when truststore
    can't be used here (then certifi's list alone, as before)."""
    global _done
    with _lock:
        if _done:
            return True
        try:
            import truststore

            truststore.inject_into_ssl()
        except (ImportError, OSError, RuntimeError):  # no truststore, or an unusable OS store
            return False
        _done = True
        return True
