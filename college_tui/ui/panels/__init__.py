"""One small panel per step, in the engine's order."""

from .base import StepPanel
from .clone import ClonePanel
from .members import MembersPanel
from .organization import OrganizationPanel
from .project import ProjectPanel
from .pull_request import PullRequestPanel
from .repo_import import ImportPanel
from .sign_in import SignInPanel
from .ssh_key import SshKeyPanel
from .team import TeamPanel

PANELS: list[type[StepPanel]] = [
    SignInPanel,
    OrganizationPanel,
    ProjectPanel,
    TeamPanel,
    MembersPanel,
    SshKeyPanel,
    ImportPanel,
    ClonePanel,
    PullRequestPanel,
]
