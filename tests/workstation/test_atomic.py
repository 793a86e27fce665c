"""write_atomic and create_exclusive: modes, no overwrite, nothing half-written on failure."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from college_tui.workstation.atomic import create_exclusive, write_atomic
from college_tui.workstation.errors import FileWriteError, PathExistsError, WorkstationError


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def raiser(err: int):
    def boom(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    return boom


def test_write_atomic_new_file_gets_default_or_given_mode(tmp_path):
    write_atomic(tmp_path / "a", "héllo\n")
    write_atomic(tmp_path / "b", b"\x00\x01", mode=0o600)

    assert (tmp_path / "a").read_bytes() == "héllo\n".encode()
    assert mode_of(tmp_path / "a") == 0o644
    assert (tmp_path / "b").read_bytes() == b"\x00\x01"
    assert mode_of(tmp_path / "b") == 0o600
    assert sorted(os.listdir(tmp_path)) == ["a", "b"]  # no temp files left


def test_write_atomic_keeps_the_existing_mode_and_replaces_the_inode(tmp_path):
    target = tmp_path / "config"
    target.write_text("old")
    os.chmod(target, 0o640)
    old_inode = os.stat(target).st_ino

    write_atomic(target, "new", mode=0o600)

    assert target.read_text() == "new"
    assert mode_of(target) == 0o640
    assert os.stat(target).st_ino != old_inode  # replaced, never truncated in place


def test_write_atomic_updates_the_target_of_a_symlink(tmp_path):
    real = tmp_path / "dotfiles" / "config"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "config"
    link.symlink_to(real)

    write_atomic(link, "new")

    assert link.is_symlink()
    assert real.read_text() == "new"


@pytest.mark.parametrize(
    ("func", "err", "words"),
    [
        ("write", errno.ENOSPC, "disk is full"),
        ("replace", errno.EROFS, "read-only"),
        ("fsync", errno.EIO, "Could not write"),
    ],
)
def test_write_atomic_failure_leaves_the_old_file_and_no_temp(
    tmp_path, monkeypatch, func, err, words
):
    target = tmp_path / "known_hosts"
    target.write_text("original\n")
    monkeypatch.setattr(os, func, raiser(err))

    with pytest.raises(FileWriteError) as info:
        write_atomic(target, "new content\n")

    monkeypatch.undo()
    assert words in str(info.value)
    assert str(target) in str(info.value)
    assert info.value.errno == err
    assert target.read_text() == "original\n"
    assert os.listdir(tmp_path) == ["known_hosts"]


def test_write_atomic_ctrl_c_removes_the_temp_file(tmp_path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "state.json", "{}")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_create_exclusive_sets_the_mode_at_creation_without_chmod(tmp_path, monkeypatch):
    def no_chmod(*args, **kwargs):
        raise AssertionError("create_exclusive must not chmod")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)

    create_exclusive(tmp_path / "id_rsa", b"secret key", 0o600)
    create_exclusive(tmp_path / "id_rsa.pub", "ssh-rsa AAAA test\n", 0o644)

    monkeypatch.undo()
    assert (tmp_path / "id_rsa").read_bytes() == b"secret key"
    assert mode_of(tmp_path / "id_rsa") == 0o600
    assert mode_of(tmp_path / "id_rsa.pub") == 0o644
    assert sorted(os.listdir(tmp_path)) == ["id_rsa", "id_rsa.pub"]


def test_create_exclusive_never_overwrites(tmp_path):
    target = tmp_path / "id_rsa"
    target.write_bytes(b"precious")

    with pytest.raises(PathExistsError) as info:
        create_exclusive(target, b"new", 0o600)

    assert "never overwrites" in str(info.value)
    assert isinstance(info.value, WorkstationError)
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["id_rsa"]


def test_create_exclusive_refuses_a_dangling_symlink(tmp_path):
    link = tmp_path / "id_rsa"
    link.symlink_to(tmp_path / "elsewhere")

    with pytest.raises(PathExistsError):
        create_exclusive(link, b"new", 0o600)
    assert not (tmp_path / "elsewhere").exists()


def test_create_exclusive_lost_race_removes_the_temp(tmp_path, monkeypatch):
    def someone_was_faster(src, dst, *args, **kwargs):
        raise FileExistsError(errno.EEXIST, "File exists")

    monkeypatch.setattr(os, "link", someone_was_faster)
    with pytest.raises(PathExistsError):
        create_exclusive(tmp_path / "id_rsa", b"x", 0o600)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("func", "err"), [("write", errno.ENOSPC), ("link", errno.EIO), ("fsync", errno.EIO)]
)
def test_create_exclusive_failure_leaves_nothing(tmp_path, monkeypatch, func, err):
    monkeypatch.setattr(os, func, raiser(err))
    with pytest.raises(FileWriteError) as info:
        create_exclusive(tmp_path / "id_rsa", b"x" * 10000, 0o600)
    monkeypatch.undo()
    assert "id_rsa" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_create_exclusive_read_only_folder(tmp_path, monkeypatch):
    real_open = os.open

    def read_only_open(path, flags, mode=0o777, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    with pytest.raises(FileWriteError) as info:
        create_exclusive(tmp_path / "id_rsa", b"x", 0o600)
    monkeypatch.undo()
    assert "read-only" in str(info.value)
    assert "writable" in str(info.value)  # says what to do next
    assert os.listdir(tmp_path) == []


def test_create_exclusive_without_hard_links_falls_back_to_o_excl(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "link", raiser(errno.EPERM))  # e.g. vfat
    create_exclusive(tmp_path / "id_rsa", b"key", 0o600)
    monkeypatch.undo()
    assert (tmp_path / "id_rsa").read_bytes() == b"key"
    assert mode_of(tmp_path / "id_rsa") == 0o600
    assert os.listdir(tmp_path) == ["id_rsa"]


def test_create_exclusive_fallback_failure_removes_the_partial_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "link", raiser(errno.EPERM))
    real_write = os.write
    calls = []

    def write_once_then_fail(fd, data):
        calls.append(fd)
        if len(calls) > 1:  # the temp file is written, the fallback write fails
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write_once_then_fail)
    with pytest.raises(FileWriteError):
        create_exclusive(tmp_path / "id_rsa", b"key", 0o600)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []
