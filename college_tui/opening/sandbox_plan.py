"""Opening the sandbox, resolved once: the command's options become a `SandboxPlan` (the data
folder, its home, the faults, the clocks, fresh or not, who may share the sandbox), checked once
before anything is written, then carried out in one pass (opening/sandbox_target.py starts or
reuses the sandbox, opening/fresh.py empties the folder first when asked).

Resolving reads no file but the environment's settings; checking only looks at the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..sandbox.datadir import default_data_dir
from ..sandbox.faults import Faults
from ..settings import SettingProblem, sandbox_clocks
from ..target import Target
from .options import TargetOptions, TargetRefused
from .sandbox_folder import data_problem, foreign_folder, home_outside

if TYPE_CHECKING:
    from ..settings import SandboxClocks

SANDBOX_ORG_URL = "http://127.0.0.1/college-sandbox"  # until the start says where it listens


@dataclass(frozen=True)
class SandboxPlan:
    """What opening the sandbox will do, decided from the options before anything is done."""

    data: Path  # the data folder, absolute
    home: Path  # the sandbox home inside it: keys, ssh config, the clone
    faults: str | None  # checked: sandbox/faults.py parses it
    clocks: SandboxClocks  # the environment's settings, checked: SandboxConfig's fields
    fresh: bool  # empty the folder first (lists, asks, deletes)
    discard_local_work: bool  # --fresh --yes may delete work only a clone holds
    # A run that outlives the sandbox it finds must not borrow one another run started (that
    # sandbox stops when its run ends); a look (plan, check, doctor) may.
    long_run: bool
    # The wizard's: the sandbox runs in a process of its own (sandbox/apart.py), whose threads
    # do not compete with the screen for the interpreter's lock.
    apart: bool = False

    @property
    def state_key(self) -> str:
        """The run state's key: one per data folder."""
        return f"sandbox:{self.data}"

    @property
    def target(self) -> Target:
        """The sandbox target before it starts (its URL comes with the start)."""
        return Target(
            org_url=SANDBOX_ORG_URL,
            profile_url="",
            home=self.home,
            sandbox=True,
            state_key=self.state_key,
        )


def data_folder(options: TargetOptions) -> Path:
    """The data folder `options` name (absolute), or the persistent sandbox home's."""
    data = Path(options.data) if options.data else default_data_dir()
    return data.expanduser().absolute()


def resolve_sandbox(options: TargetOptions, *, clocks: bool = True) -> SandboxPlan:
    """The plan of `options`; refuses what cannot be resolved: a --faults that does not parse,
    a home that leads outside the data folder (the answers' ~ is that home), and (`clocks`) a
    sandbox setting that is not a number."""

    try:
        Faults.parse(options.faults)
    except ValueError as err:
        raise TargetRefused(str(err), "--faults") from None
    data = data_folder(options)
    outside = home_outside(data)
    if outside:  # before anything reads the answers: their ~ is this home
        raise TargetRefused(outside, "--data")
    settings: SandboxClocks = {}
    if clocks:  # the wizard's first screen does not start the sandbox yet: it asks later
        try:
            settings = sandbox_clocks()
        except SettingProblem as exc:
            raise TargetRefused(exc.message) from None
    return SandboxPlan(
        data=data,
        home=data / "home",
        faults=options.faults,
        clocks=settings,
        fresh=options.fresh,
        discard_local_work=options.discard_local_work,
        long_run=options.long_run,
        apart=options.sandbox_apart,
    )


def check_sandbox(plan: SandboxPlan, *, also: str | None = None) -> None:
    """Refuse, before anything is written, a data folder that cannot hold the sandbox (`also`:
    another problem to say in the same sentence, the run state's folder) or that holds the
    user's own files. With --fresh those files are refused by --fresh itself, in its own words,
    after it has listed them."""
    problems = [p for p in (also, data_problem(plan.data)) if p]
    if problems:
        raise TargetRefused(" ".join(problems) + " Nothing was changed.", usage=False)
    if not plan.fresh:
        foreign = foreign_folder(plan.data)
        if foreign:
            raise TargetRefused(foreign, "--data")


def checked_sandbox(options: TargetOptions) -> SandboxPlan:
    """The plan of `options`, resolved and checked: ready to carry out."""
    plan = resolve_sandbox(options)
    check_sandbox(plan)
    return plan
