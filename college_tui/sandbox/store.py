"""The sandbox's state: a small document store in SQLite.

Every object the service holds (organisations, projects, teams, repos, keys, ...) is one JSON
document of a `kind`, addressed by id and indexed by organisation, parent and name. One table keeps
new kinds free of migrations; the service's rules live in the handlers, not in the schema.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack


_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    org     TEXT NOT NULL DEFAULT '',
    parent  TEXT NOT NULL DEFAULT '',
    name    TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_lookup ON docs (kind, org, parent, name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS docs_by_name ON docs (kind, name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Where(TypedDict, total=False):
    """What `Store.find_one` narrows by, as `Store.find` takes it."""

    org: str | None
    parent: str | None
    name: str | None


class StoreError(Exception):
    """The database cannot be opened: a sentence naming the file, what is wrong, what to do."""


class Store:
    """Thread-safe access to the sandbox database (REST handlers and SSH sessions share it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _keep_private(self.path)
            self._db = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            damage = _damage(self._db)
            if damage:
                self._db.close()
                raise StoreError(_damaged(self.path, damage))
            self._db.executescript(_SCHEMA)
            _keep_private(self.path)  # the -wal and -shm files SQLite just made
        except sqlite3.DatabaseError as exc:
            raise StoreError(_open_problem(self.path, exc)) from None
        except OSError as exc:
            raise StoreError(
                f"The sandbox database {self.path} cannot be made "
                f"({exc.strerror or exc}): choose a folder you can write with "
                "--data DIR."
            ) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group several writes so they land together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _write(self, sql: str, args: tuple[Any, ...]) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            raise StoreError(
                f"The sandbox database {self.path} cannot be written: the disk is full. Free "
                "some disk space and run again."
            ) from None

    # -- documents -------------------------------------------------------------------------

    def put(
        self,
        kind: str,
        id: str,
        data: dict[str, Any],
        *,
        org: str = "",
        parent: str = "",
        name: str = "",
    ) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT created FROM docs WHERE kind=? AND id=?", (kind, id)
            ).fetchone()
            created = row[0] if row else time.time()
            self._write(
                "INSERT OR REPLACE INTO docs (kind, id, org, parent, name, created, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, id, org, parent, name, created, json.dumps(data)),
            )
        return data

    def get(self, kind: str, id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM docs WHERE kind=? AND id=?", (kind, id)
            ).fetchone()
        return self._loads(row[0]) if row else None

    def _loads(self, text: str) -> dict[str, Any]:
        try:
            doc = json.loads(text)
        except ValueError:
            raise StoreError(_damaged(self.path, "a stored document is not valid JSON")) from None
        if not isinstance(doc, dict):
            raise StoreError(_damaged(self.path, "a stored document is not a JSON object"))
        return doc

    def damage(self) -> str | None:
        """The damage sentence when a document changed shape under the running sandbox (asked
        after a handler failed, before blaming a bug), else None."""
        with self._lock:
            try:
                found = shape_damage(self._db)
            except sqlite3.DatabaseError as exc:
                found = str(exc)
        return _damaged(self.path, found) if found else None

    def find(
        self,
        kind: str,
        *,
        org: str | None = None,
        parent: str | None = None,
        name: str | None = None,
        window: tuple[int, int] | None = None,
    ) -> list[dict[str, Any]]:
        """Documents of a kind, oldest first; `name` matches case-insensitively like the service.
        `window` = (skip, top) reads one page of them (a list the service pages)."""
        sql = "SELECT data FROM docs WHERE kind=?"
        args: list[Any] = [kind]
        for column, value in (("org", org), ("parent", parent)):
            if value is not None:
                sql += f" AND {column}=? COLLATE NOCASE"
                args.append(value)
        if name is not None:
            sql += " AND name=? COLLATE NOCASE"
            args.append(name)
        sql += " ORDER BY created, rowid"
        if window is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [max(0, window[1]), max(0, window[0])]
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [self._loads(r[0]) for r in rows]

    def find_one(self, kind: str, **where: Unpack[Where]) -> dict[str, Any] | None:
        """The oldest document `find(kind, org=…, parent=…, name=…)` finds, or None."""
        found = self.find(kind, **where)
        return found[0] if found else None

    def delete(self, kind: str, id: str) -> bool:
        with self._lock:
            cur = self._write("DELETE FROM docs WHERE kind=? AND id=?", (kind, id))
        return cur.rowcount > 0

    def created_at(self, kind: str, id: str) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT created FROM docs WHERE kind=? AND id=?", (kind, id)
            ).fetchone()
        return row[0] if row else None

    # -- small values ----------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def next_number(self, name: str) -> int:
        """A per-name sequence (pull request ids, import request ids) that survives restarts."""
        with self._lock:
            self._write(
                "INSERT INTO counters (name, value) VALUES (?, 1)"
                " ON CONFLICT(name) DO UPDATE SET value = value + 1",
                (name,),
            )
            row = self._db.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
            return int(row[0])


def _keep_private(path: Path) -> None:
    """The database holds the sandbox's PAT: the file (and SQLite's -wal/-shm) 0600, the data
    folder 0700, like every other file that holds a secret."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for item, mode in (
        (path, 0o600),
        (path.with_name(path.name + "-wal"), 0o600),
        (path.with_name(path.name + "-shm"), 0o600),
        (path.parent, 0o700),
    ):
        with contextlib.suppress(OSError):  # not ours to change (a shared folder): still usable
            if item.exists() and item.stat().st_mode & 0o777 != mode:
                item.chmod(mode)


def _damage(db: sqlite3.Connection) -> str | None:
    """What is wrong with an existing database's contents, checked once on opening (the
    handlers would otherwise answer HTTP 500 with a traceback, blaming Azure DevOps)."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and "docs" not in tables:
        return "its docs table is missing"
    if "docs" not in tables:
        return None  # a new database
    try:
        bad = db.execute("SELECT kind FROM docs WHERE json_valid(data) = 0 LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # an SQLite without JSON functions: parse them here
        rows = db.execute("SELECT kind, data FROM docs").fetchall()
        bad = next(((kind,) for kind, data in rows if not _is_json(data)), None)
        return f"a {bad[0]} document is not valid JSON" if bad else _shape_in_python(rows)
    return f"a {bad[0]} document is not valid JSON" if bad else shape_damage(db)


# What the handlers read from every document of a kind without a default: a document without
# one of these (`{}`, `null`, `[1,2,3]`) is damage, said once, never a 500 and a traceback.
REQUIRED = {
    "org": ("accountId", "accountName"),
    "user": ("id", "email", "descriptor"),
    "project": ("id", "name"),
    "team": ("id", "name", "projectId"),
    "repo": ("id", "name"),
    "group": ("id", "descriptor"),
    "membership": ("memberDescriptor", "containerDescriptor"),
    "operation": ("id", "status"),
    "pull_request": ("pullRequestId", "repositoryId", "status"),
    "import_request": ("importRequestId", "repositoryId", "status"),
    "sshkey": ("authorizationId", "publicData"),
}


def shape_damage(db: sqlite3.Connection) -> str | None:
    """A document that is not an object, or lacks what its kind needs (SQLite's JSON functions)."""
    bad = db.execute("SELECT kind FROM docs WHERE json_type(data) != 'object' LIMIT 1").fetchone()
    if bad:
        return f"a {bad[0]} document is not a JSON object"
    for kind, keys in REQUIRED.items():
        missing = " OR ".join(f"json_type(data, '$.{key}') IS NULL" for key in keys)
        if db.execute(
            f"SELECT 1 FROM docs WHERE kind=? AND ({missing}) LIMIT 1", (kind,)
        ).fetchone():
            return f"a {kind} document lacks one of {', '.join(keys)}"
    return None


def _shape_in_python(rows: list[tuple[str, str]]) -> str | None:
    for kind, data in rows:
        doc = json.loads(data)
        if not isinstance(doc, dict):
            return f"a {kind} document is not a JSON object"
        if any(key not in doc for key in REQUIRED.get(kind, ())):
            return f"a {kind} document lacks one of {', '.join(REQUIRED[kind])}"
    return None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _damaged(path: Path, what: str) -> str:
    return (
        f"The sandbox database {path} is damaged ({what}). Start the sandbox over with "
        "`college-tui apply --sandbox --fresh` (deletes it), or choose another folder "
        "with --data DIR."
    )


def _open_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """What an sqlite failure on opening means to the attendee, naming the file and the fixes."""
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return (
            f"The sandbox database {path} is damaged ({text}). Start the sandbox over with "
            "`college-tui apply --sandbox --fresh` (deletes it), or choose another folder "
            "with --data DIR."
        )
    if "readonly" in text or "unable to open" in text:
        return (
            f"The sandbox database {path} cannot be written ({text}). Choose a folder you "
            "can write with --data DIR."
        )
    return (
        f"The sandbox database {path} cannot be opened ({text}). Try `college-tui apply "
        "--sandbox --fresh` (deletes it) or another folder with --data DIR."
    )
