"""The bundled course repository (`course/`): a bare "source" repo that imports of its GitHub URL use.

Built once per content (its folder name carries a digest), then fetched into the imported
repository, so the sandbox needs no network to import the course.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .gitexec import git, repo_path, run_git
from .service import Sandbox

COURSE_URL = "https://github.com/aidevcollege/aidevcollege"
COURSE_DIR = Path(__file__).parent / "course"
# Fixed identity and date: the course commit id is the same in every sandbox.
COURSE_AUTHOR = ("AI Developer College", "college@aidevcollege.example")
COURSE_DATE = "2024-03-04T09:00:00+00:00"
COURSE_MESSAGE = "MLOps on Azure: course material for challenges 0 and 1\n"
_SKIPPED = {"__pycache__", ".DS_Store"}

_course_lock = threading.Lock()


def is_course_url(url: str) -> bool:
    """Whether an import source is the course's GitHub repository (any casing, `.git`, `/`)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    path = parts.path.rstrip("/")
    if path.lower().endswith(".git"):
        path = path[:-4]
    return (
        parts.scheme.lower() in ("http", "https")
        and (parts.hostname or "") in ("github.com", "www.github.com")
        and path.lower() == "/aidevcollege/aidevcollege"
    )


def course_files() -> list[tuple[str, Path]]:
    """(path in the repository, file) for every file of the bundled course, sorted."""
    files = []
    for path in COURSE_DIR.rglob("*"):
        rel = path.relative_to(COURSE_DIR)
        if not path.is_file() or _SKIPPED & set(rel.parts) or path.suffix in (".pyc", ".pyo"):
            continue
        files.append((rel.as_posix(), path))
    return sorted(files)


def course_source(sandbox: Sandbox) -> Path:
    """The bare repo holding the course (one commit on `main`), built on first use, then reused.

    Its directory name carries a digest of the content, so a newer bundled course gets a new one.
    """
    files = course_files()
    digest = hashlib.sha256()
    for rel, path in files:
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    target = sandbox.data_dir / f"course-{digest.hexdigest()[:16]}.git"
    with _course_lock:
        if not target.exists():
            _build_course(files, target)
    return target


def _build_course(files: list[tuple[str, Path]], target: Path) -> None:
    # Built aside and renamed into place, so nobody sees a half-made repository.
    build = Path(tempfile.mkdtemp(prefix=".course-", dir=target.parent))
    try:
        run_git(["init", "--bare", "--quiet", "--initial-branch=main", str(build)])
        index = f"{build}/course.index"
        # Stored byte for byte (no filters), every file as a plain 100644 blob.
        oids = git(
            build,
            "hash-object",
            "-w",
            "--no-filters",
            "--stdin-paths",
            input="".join(f"{path}\n" for _rel, path in files),
        ).split()
        entries = [f"100644 {oid}\t{rel}\n" for (rel, _path), oid in zip(files, oids, strict=True)]
        env = {"GIT_INDEX_FILE": index}
        git(build, "update-index", "--index-info", input="".join(entries), env=env)
        tree = git(build, "write-tree", env=env).strip()
        name, email = COURSE_AUTHOR
        commit = git(
            build,
            "commit-tree",
            "--no-gpg-sign",
            tree,
            input=COURSE_MESSAGE,
            env={
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_AUTHOR_DATE": COURSE_DATE,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
                "GIT_COMMITTER_DATE": COURSE_DATE,
            },
        ).strip()
        git(build, "update-ref", "refs/heads/main", commit)
        os.unlink(index)
        os.replace(build, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def import_course(sandbox: Sandbox, repo: dict[str, Any], *, overwrite: bool = False) -> None:
    """Fetch the course's branches and tags into a repository and point HEAD at its `main`."""
    source = course_source(sandbox)
    path = repo_path(sandbox, repo)
    git(
        path,
        "fetch",
        "--quiet",
        *(["--prune"] if overwrite else []),
        str(source),
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
    )
    git(path, "symbolic-ref", "HEAD", git(source, "symbolic-ref", "HEAD").strip())
