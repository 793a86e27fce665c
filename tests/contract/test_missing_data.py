"""Missing upstream data is a readable test failure, never a crash of the test run.

On a clone without the specs, every sandbox answer used to raise inside the sandbox's server thread
(the contract check could not resolve its schemas); the server logged each traceback while pytest
formatted the failures, and Python 3.11.7's shared AST counter (CPython gh-106905) made pytest die
with "INTERNALERROR> SystemError: AST constructor recursion depth mismatch" and no summary.
"""

from __future__ import annotations

import pytest
import requests

from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.service import SandboxConfig
from tests.contract import validate
from tests.contract.observer import ContractObserver
from tests.contract.specs import MissingTestData, SpecIndex


def test_a_spec_folder_without_specs_is_one_sentence_naming_it_and_the_fix(tmp_path):
    with pytest.raises(MissingTestData) as missing:
        SpecIndex(tmp_path)
    message = str(missing.value)
    assert message.startswith(f"Microsoft's specs are missing: {tmp_path} holds no")
    assert "git checkout -- tests/data" in message


def test_a_check_that_cannot_run_fails_the_test_and_the_sandbox_still_answers(
    tmp_path, monkeypatch
):
    def no_specs() -> SpecIndex:
        return SpecIndex(tmp_path / "no-specs")

    monkeypatch.setattr(validate, "spec_index", no_specs)
    server = SandboxServer(tmp_path / "sandbox", config=SandboxConfig())
    server.start()
    observer = ContractObserver(session=None)
    server.sandbox.observers.append(observer)
    try:
        answer = requests.get(
            f"{server.info.org_url}/_apis/projects", auth=("", server.info.pat), timeout=10
        )
    finally:
        server.stop()

    assert answer.status_code == 200  # the check's trouble never reaches the sandbox's answer
    [violation] = observer.violations
    assert violation.message.startswith(
        "the contract check could not run: MissingTestData: Microsoft's specs are missing"
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        observer.finish()
    assert "git checkout -- tests/data" in str(failed.value)
