"""Error bodies shaped like Azure DevOps' WrappedException."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

# typeKey -> the .NET type name the service reports, so clients that look at typeName work too.
_TYPE_NAMES = {
    "ProjectAlreadyExistsException": "Microsoft.TeamFoundation.Core.WebApi.ProjectAlreadyExistsException, Microsoft.TeamFoundation.Core.WebApi",
    "InvalidProjectNameException": "Microsoft.TeamFoundation.Core.WebApi.InvalidProjectNameException, Microsoft.TeamFoundation.Core.WebApi",
    "ProjectDoesNotExistWithNameException": "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi",
    "ProjectDoesNotExistException": "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi",
    "UnauthorizedRequestException": "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
    "GitRepositoryNameAlreadyExistsException": "Microsoft.TeamFoundation.Git.Server.GitRepositoryNameAlreadyExistsException, Microsoft.TeamFoundation.Git.Server",
    "GitRepositoryNotFoundException": "Microsoft.TeamFoundation.Git.Server.GitRepositoryNotFoundException, Microsoft.TeamFoundation.Git.Server",
    "VssServiceException": "Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common",
}


class ServiceError(Exception):
    """Raised by a handler to answer with the service's error body."""

    def __init__(
        self,
        status: int,
        type_key: str,
        message: str,
        *,
        type_name: str | None = None,
        error_code: int = 0,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type_key = type_key
        self.message = message
        self.type_name = type_name
        self.error_code = error_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(
            self.type_key, self.message, type_name=self.type_name, error_code=self.error_code
        )


def error_body(
    type_key: str, message: str, *, type_name: str | None = None, error_code: int = 0
) -> dict[str, Any]:
    """The JSON body Azure DevOps sends with a failed call."""
    return {
        "$id": "1",
        "innerException": None,
        "message": message,
        "typeName": type_name
        or _TYPE_NAMES.get(
            type_key,
            f"Microsoft.VisualStudio.Services.WebApi.{type_key}, Microsoft.VisualStudio.Services.WebApi",
        ),
        "typeKey": type_key,
        "errorCode": error_code,
        "eventId": 3000,
    }


def not_found(type_key: str, message: str) -> ServiceError:
    return ServiceError(404, type_key, message)


# The typeKey of the sandbox's own storage failing (its database damaged, its disk full): the real
# service never sends it, so a client can show the sandbox's sentence instead of blaming Azure
# DevOps (azdo/client/failures.py, which keeps its own copy of the name: azdo never imports us).
STORAGE_FAILED = "SandboxStorageException"


def storage_failed_body(sentence: str) -> dict[str, Any]:
    """The 500 body for the sandbox's storage failing: `sentence` says what and what to do."""
    return error_body(STORAGE_FAILED, sentence)


def disk_full(folder: str | Path) -> str | None:
    """The sentence for a sandbox whose data folder's disk is (nearly) full, else None."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free >= 1024 * 1024:
        return None
    return (
        f"The sandbox cannot write its data in {folder}: the disk is full. Free some disk "
        "space and run again."
    )
