"""Crash-safe file writes: nothing half-written is ever left under the final name.

``write_atomic`` replaces a file (temp file in the same folder, fsync, ``os.replace``);
``create_exclusive`` creates a file that must not exist yet (mode set at creation, then
``os.link`` so an existing file is never overwritten). Both raise
:class:`~college_tui.workstation.errors.FileWriteError` with a readable sentence on OS errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from .errors import PathExistsError, file_error
from .hostos.keyfiles import applies_modes

_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)

# os.link fails with these where the file system has no hard links (vfat, some FUSE mounts).
_NO_HARDLINK_ERRNOS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


def write_atomic(path: os.PathLike[str] | str, data: bytes | str, mode: int | None = None) -> Path:
    """Replace ``path`` with ``data`` atomically and return the path written.

    The data goes to a temp file in the same folder, is fsynced, then renamed over the
    target, so readers see the old or the new content, never a mix. An existing file keeps
    its permission bits; a new file gets ``mode`` (default ``0o644``). If ``path`` is a
    symlink, the file it points to is updated and the link is kept. ``str`` data is UTF-8.
    """
    target = _follow_symlink(Path(path))
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        final_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        final_mode = 0o644 if mode is None else mode
    except OSError as exc:
        raise file_error(exc, "read", target) from exc

    tmp, fd = _open_temp(target, 0o600)
    try:
        _write_all(fd, payload)
        if applies_modes():
            # The temp name is private, so setting the final mode here exposes nothing.
            os.fchmod(fd, final_mode)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except BaseException as exc:  # also Ctrl+C: never leave the temp file behind
        _cleanup(fd, tmp)
        if isinstance(exc, OSError):
            raise file_error(exc, "write", target) from exc
        raise
    _fsync_dir(target.parent)
    return target


def create_exclusive(path: os.PathLike[str] | str, data: bytes | str, mode: int) -> Path:
    """Create ``path`` with ``data`` and permission ``mode``; never overwrite anything.

    The file is written under a temp name opened with ``O_CREAT|O_EXCL`` at ``mode`` (the
    umask may only narrow it; no chmod afterwards), fsynced, then hard-linked to ``path``
    (which fails if ``path`` exists) and the temp name removed. On any failure nothing is left
    behind. Raises :class:`PathExistsError` if ``path`` already exists.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if os.path.lexists(target):
        raise _exists_error(target)

    tmp, fd = _open_temp(target, mode)
    try:
        _write_all(fd, payload)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise _exists_error(target) from None
        except OSError as exc:
            if exc.errno not in _NO_HARDLINK_ERRNOS:
                raise
            _create_direct(target, payload, mode)
    except BaseException as exc:
        _cleanup(fd, tmp)
        if isinstance(exc, OSError):
            raise file_error(exc, "create", target) from exc
        raise
    _unlink_quiet(tmp)
    _fsync_dir(target.parent)
    return target


def _create_direct(target: Path, payload: bytes, mode: int) -> None:
    """Fallback without hard links: O_EXCL on the final name, removed again on failure."""
    try:
        fd = os.open(target, _OPEN_FLAGS, mode)
    except FileExistsError:
        raise _exists_error(target) from None
    try:
        _write_all(fd, payload)
        os.fsync(fd)
    except BaseException:
        _cleanup(fd, target)
        raise
    os.close(fd)


def _follow_symlink(path: Path) -> Path:
    # Replacing a symlink would silently break a dotfiles setup: write to its target instead.
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _open_temp(target: Path, mode: int) -> tuple[Path, int]:
    """Open a new temp file next to ``target`` with O_EXCL at ``mode``."""
    for _ in range(20):
        tmp = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
        try:
            return tmp, os.open(tmp, _OPEN_FLAGS, mode)
        except FileExistsError:
            continue
        except OSError as exc:
            raise file_error(exc, "write in", target.parent) from exc
    raise file_error(OSError(errno.EEXIST, "could not find a free temp name"), "write", target)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _cleanup(fd: int, tmp: Path) -> None:
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.close(fd)
    _unlink_quiet(tmp)


def _unlink_quiet(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable; not possible on Windows, harmless to skip there.
    if not applies_modes():
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exists_error(target: Path) -> PathExistsError:
    return PathExistsError(
        f"{target} already exists and college-tui never overwrites it. "
        "Move the existing file away or choose another file name, then run the step again.",
        target,
    )
