"""Every input the wizard asks for, with the course's names as defaults, and their validation.

`college-tui apply --answers FILE.toml` reads them from TOML; the TUI fills the same dataclass.
Every name is checked with the service's own rules (`college_tui.naming`) BEFORE any call, and
each problem is one sentence that names the field. No secret ever lives here: the key passphrase
is referred to by the name of an environment variable.

Example file (every field optional)::

    organization = "my-college-org"
    project = "College"
    team = "College Team"
    members = ["grace@example.com", { email = "alan@example.com", access_level = "basic" }]
    members_csv = "colleagues.csv"      # email,access_level rows; relative to this file
    key_path = "~/.ssh/college_tui_rsa"  # ~ is the wizard's home (the sandbox home in --sandbox)
    key_bits = 3072
    key_passphrase_env = "COLLEGE_KEY_PASSPHRASE"
    clone_dir = "~/college/aidevcollege"
    clone_protocol = "auto"             # ssh | https | auto (SSH, HTTPS when SSH is blocked)
    alias = "ada"
    reviewer = "instructor@example.com"  # the pull request's reviewer (one of the members)
    sandbox_account = "attendee001@college.example"  # --sandbox: sign in as this account
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..naming import (
    check_email,
    check_org_name,
    check_project_name,
    check_repo_name,
    check_team_name,
)
from ..vocabulary import AuthMode
from .answer_limits import ALIAS_MAX, check_branch_name, length_problems
from .roster import ACCESS_LEVELS, AUTO, Member, read_members_csv
from .textfiles import TextFileError, read_text_file

if TYPE_CHECKING:
    from ..target import Target

AUTH_MODES = tuple(AuthMode)
CLONE_PROTOCOLS = ("auto", "ssh", "https")
KEY_BITS = (3072, 4096)
COURSE_SOURCE_URL = "https://github.com/aidevcollege/aidevcollege"
DEFAULT_KEY_NAME = "college_tui_rsa"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ALIAS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class AnswersError(Exception):
    """The answers cannot be used; `problems` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Answers:
    """What the attendee wants; the defaults are the course's names (challenges 0 and 1)."""

    organization: str | None = None  # None: the target's organisation (the first/only one)
    project: str = "College"
    process: str = "Agile"
    project_description: str = "AI Developer College: MLOps on Azure"
    team: str = "College Team"
    team_description: str = "The attendees of the AI Developer College"
    members: list[Member] = field(default_factory=list)
    members_csv: Path | None = None
    key_path: Path | None = None  # default <home>/.ssh/college_tui_rsa (see for_target)
    key_bits: int = 3072
    key_passphrase_env: str | None = None  # NAME of the env var holding the passphrase
    repo: str = "aidevcollege"
    source_url: str = COURSE_SOURCE_URL
    clone_dir: Path | None = None  # default <home>/college/aidevcollege (see for_target)
    # "auto": SSH, or HTTPS (the remoteUrl, the PAT through a credential helper) when SSH
    # cannot get through; "ssh" or "https" to choose.
    clone_protocol: str = "auto"
    alias: str = ""  # default: the local user name
    branch: str = ""  # default: users/<alias>/hello-college
    auth: str = AuthMode.PAT  # an AuthMode (a string in the answers file)
    # Whether the answers file said `auth` (the engine chooses otherwise: steps/signin_help.py
    # default_auth); not a field of the file.
    auth_said: bool = field(default=False, repr=False)
    # The pull request's reviewer (an e-mail, usually the instructor among the members); "" none.
    reviewer: str = ""
    # Sandbox only: the account a headless run signs in as (`sandbox serve --class N` makes
    # attendee001@college.example...); "" is the sandbox's own user and its PAT.
    sandbox_account: str = ""

    def __post_init__(self) -> None:
        if not self.alias:
            self.alias = default_alias()
        if not self.branch:
            self.branch = f"users/{self.alias}/hello-college"

    def for_target(self, target: Target) -> Answers:
        """A copy whose home-relative defaults (key, clone folder) point into `target.home`."""
        home = Path(target.home)
        return replace(
            self,
            key_path=Path(self.key_path) if self.key_path else home / ".ssh" / DEFAULT_KEY_NAME,
            clone_dir=Path(self.clone_dir) if self.clone_dir else home / "college" / self.repo,
            members=list(self.members),
        )

    def all_members(self) -> list[Member]:
        """The members listed here plus the CSV's, each e-mail once (listed entries win)."""
        found: dict[str, Member] = {}
        for member in self.members:
            found.setdefault(member.email.lower(), member)
        if self.members_csv is not None:
            rows, problems = read_members_csv(self.members_csv)
            if problems:
                raise AnswersError(problems)
            for member in rows:
                found.setdefault(member.email.lower(), member)
        return list(found.values())

    def validate(self) -> list[str]:
        """Every problem with these answers, one sentence each naming the field; [] when fine."""
        problems: list[str] = []

        def check(field_name: str, message: str | None) -> None:
            if message:
                problems.append(f"{field_name}: {message}")

        if self.organization is not None:
            check("organization", check_org_name(self.organization))
        check("project", check_project_name(self.project))
        if not (self.process or "").strip():
            problems.append("process: the process name is empty: use Agile (the course's choice).")
        check("team", check_team_name(self.team))
        check("repo", check_repo_name(self.repo))
        for index, member in enumerate(self.members, 1):
            check(f"members[{index}]", check_email(member.email))
            if member.access_level not in (*ACCESS_LEVELS, AUTO):
                problems.append(
                    f"members[{index}]: access level {member.access_level!r} is unknown: use "
                    "stakeholder (free) or basic."
                )
        if self.members_csv is not None:
            problems.extend(read_members_csv(self.members_csv)[1])
        if self.key_bits not in KEY_BITS:
            problems.append(
                f"key_bits: {self.key_bits} is not offered: use 3072 (recommended) or 4096."
            )
        if self.key_passphrase_env is not None and not _ENV_NAME.match(self.key_passphrase_env):
            # The value is not repeated: it may be the passphrase itself, pasted by mistake.
            problems.append(
                "key_passphrase_env: the value is not an environment variable name. Put the NAME "
                "of a variable here (never the passphrase itself)."
            )
        if re.match(r"^https?://[^/]*@", self.source_url or ""):  # not repeated: holds a token
            problems.append(
                "source_url: the URL holds a user name or token; use the public "
                "repository's plain https:// URL (a token would be shown and sent)."
            )
        elif not re.match(r"^https?://\S+$", self.source_url or ""):
            problems.append(f"source_url: {self.source_url!r} is not an http(s) URL.")
        problems += length_problems(self)
        first = (self.alias or "")[:1]
        if len(self.alias or "") > ALIAS_MAX:
            pass  # said by length_problems, once and short
        elif first and not (first.isascii() and first.isalnum()):
            problems.append(
                f"alias: {self.alias!r} must start with an English letter or a digit (then "
                "letters, digits, '.', '_' and '-')."
            )
        elif not _ALIAS.match(self.alias or ""):
            problems.append(
                f"alias: {self.alias!r} may hold letters, digits, '.', '_' and '-' only."
            )
        check("branch", check_branch_name(self.branch))
        if self.clone_protocol not in CLONE_PROTOCOLS:
            problems.append(
                f"clone_protocol: {self.clone_protocol!r} is unknown: use auto "
                "(SSH, HTTPS when SSH is blocked), ssh or https."
            )
        if self.auth not in AUTH_MODES:
            problems.append(f"auth: {self.auth!r} is unknown: use one of {', '.join(AUTH_MODES)}.")
        for name in ("reviewer", "sandbox_account"):
            if getattr(self, name):
                check(name, check_email(getattr(self, name)))
        return problems

    def target_problems(self, target: Target) -> list[str]:
        """What these answers cannot do on `target` (the sandbox keeps to its own home, offline)."""
        if not target.sandbox:
            return (
                [
                    "sandbox_account: picks one of the sandbox's accounts, so it goes with "
                    "--sandbox only: leave it out for Azure DevOps."
                ]
                if self.sandbox_account
                else []
            )
        problems = []
        if self.auth == AuthMode.AZURE_CLI:  # browser and device code use the sandbox's own sign-in
            problems.append(f"auth: {sandbox_auth_problem(self.auth)}")
        # Resolved first: ~/../../.ssh/id_rsa starts with the home but lands in the real one.
        home = Path(target.home).resolve()
        if self.key_path is not None and not Path(self.key_path).resolve().is_relative_to(home):
            problems.append(
                f"key_path: {self.key_path} is outside the sandbox home {home}; in "
                "sandbox mode the key must live there (use ~/.ssh/NAME: ~ is the "
                "sandbox home)."
            )
        if self.clone_dir is not None:
            clone = Path(self.clone_dir).resolve()
            if clone == home:
                problems.append(
                    f"clone_dir: {self.clone_dir} is the sandbox home {home} itself, which "
                    "holds its .ssh folder; name a new folder inside it, e.g. "
                    "~/college/aidevcollege."
                )
            elif not clone.is_relative_to(home):
                problems.append(
                    f"clone_dir: {self.clone_dir} is outside the sandbox home {home}; in "
                    "sandbox mode the clone must live there (use ~/college/NAME: ~ is the "
                    "sandbox home)."
                )
        return problems

    def duplicate_notes(self) -> list[str]:
        """One sentence per e-mail listed twice with different access levels: which one is used."""
        levels: dict[str, list[str]] = {}
        for member in self.members:
            levels.setdefault(member.email.lower(), []).append(member.access_level or "automatic")
        if self.members_csv is not None:
            for member in read_members_csv(self.members_csv)[0]:
                levels.setdefault(member.email.lower(), []).append(
                    member.access_level or "automatic"
                )
        used = {m.email.lower(): m for m in self.all_members()}
        notes = []
        for email, found in levels.items():
            if len(set(found)) > 1:
                notes.append(
                    f"{used[email].email} is listed more than once with different "
                    f"access levels ({', '.join(found)}): the first, "
                    f"{used[email].access_level or 'automatic'}, is used."
                )
        return notes


def sandbox_auth_problem(auth: str) -> str:
    """Why sign-in mode `auth` is refused in the sandbox: the Azure CLI signs in with Microsoft
    online and knows nothing of the sandbox (browser and device code go to the sandbox's own
    identity provider)."""
    return (
        f"{str(auth)!r} asks the Azure CLI, which signs in with Microsoft online and knows nothing of "
        'the offline sandbox. Use "pat" (the default), "browser" or "device-code" (the sandbox\'s '
        "own sign-in) for --sandbox."
    )


def default_alias() -> str:
    """The local user name, reduced to what a branch name may hold ("attendee" if none)."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in containers without passwd entries
        name = ""
    name = re.sub(r"[^A-Za-z0-9._-]", "", name.split("@")[0]).strip("._-").lower()
    return name or "attendee"


_FIELDS = {f.name for f in fields(Answers)} - {"auth_said"}
_PATH_FIELDS = ("members_csv", "key_path", "clone_dir")


def load_answers(path: os.PathLike[str] | str | None, target: Target) -> Answers:
    """The answers in TOML file `path` (None: the defaults), resolved for `target`.

    Raises `AnswersError` listing every problem (unknown fields, wrong types, names the service
    would refuse, bad e-mails). Relative paths are relative to the file; `~` is the target's home.
    """
    if path is None:
        answers = Answers().for_target(target)
        refused = answers.validate() + answers.target_problems(target)
        if refused:
            raise AnswersError(refused)
        return answers
    # Standard library, but lazy: this module is in the first frame, which reads no file.
    import tomllib

    file = Path(path)
    try:
        raw = tomllib.loads(read_toml_text(file))
    except tomllib.TOMLDecodeError as exc:
        raise AnswersError([f"The answers file {file} is not valid TOML: {exc}."]) from None
    except RecursionError:  # lists or tables nested thousands deep: no answers file looks so
        raise AnswersError(
            [
                f"The answers file {file} nests lists or tables too deeply to be read. An "
                "answers file holds names, paths and lists of e-mail addresses: fix it, or "
                "see the fields in README.md (under --answers FILE.toml)."
            ]
        ) from None
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _FIELDS:
            problems.append(
                f"{key}: unknown field in {file.name} (known: {', '.join(sorted(_FIELDS))})."
            )
            continue
        if key == "members":
            members, member_problems = _parse_members(value)
            problems.extend(member_problems)
            values[key] = members
        elif key in _PATH_FIELDS:
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{key}: expected a path as a string.")
                continue
            values[key] = _resolve_path(value, file.parent, Path(target.home))
        elif key == "key_bits":
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append("key_bits: expected a number (3072 or 4096).")
                continue
            values[key] = value
        else:
            if not isinstance(value, str):
                problems.append(f"{key}: expected a string, got {type(value).__name__}.")
                continue
            values[key] = value
    if problems:
        raise AnswersError(problems)
    answers = Answers(**values, auth_said="auth" in values).for_target(target)
    problems = answers.validate() + answers.target_problems(target)
    if problems:
        raise AnswersError(problems)
    return answers


def read_toml_text(file: Path) -> str:
    """The text of a TOML file: UTF-8, with or without a BOM (Notepad writes one).

    Only a regular file of a sane size is read (not /dev/zero, not a FIFO); any other encoding
    raises AnswersError naming it and saying how to fix the file.
    """
    try:
        return read_text_file(file, "the answers file")
    except TextFileError as exc:
        raise AnswersError([str(exc)]) from None


def _parse_members(value: Any) -> tuple[list[Member], list[str]]:
    if not isinstance(value, list):
        return [], ["members: expected a list of e-mails or {email, access_level} tables."]
    members: list[Member] = []
    problems: list[str] = []
    for index, item in enumerate(value, 1):
        if isinstance(item, str):
            members.append(Member(item))
        elif isinstance(item, dict) and isinstance(item.get("email"), str):
            unknown = set(item) - {"email", "access_level"}
            if unknown:
                problems.append(f"members[{index}]: unknown keys {', '.join(sorted(unknown))}.")
            level = str(item.get("access_level") or AUTO).lower()
            members.append(Member(item["email"], "basic" if level == "express" else level))
        else:
            problems.append(f"members[{index}]: expected an e-mail or a table with an email key.")
    return members, problems


def _resolve_path(value: str, base: Path, home: Path) -> Path:
    if value == "~" or value.startswith("~/"):
        return home / value[2:]
    path = Path(value)
    return path if path.is_absolute() else base / path
