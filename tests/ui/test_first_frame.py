"""The first frame loads Textual and our UI only: the service libraries load in workers."""

from __future__ import annotations

import subprocess
import sys

HEAVY = [
    "azure",
    "azure.identity",
    "azure.devops",
    "paramiko",
    "keyring",
    "msrest",
    "starlette",
    "uvicorn",
    "requests",
    "cryptography",
]

PROBE = f"""
import sys
import college_tui.launch, college_tui.cli
import college_tui.ui.app, college_tui.ui.wizard, college_tui.ui.welcome
from college_tui.ui.app import CollegeApp
from college_tui.ui.wizard import WizardScreen
app = CollegeApp(opener=lambda *a: None, start="sandbox")
screen = WizardScreen(sandbox=True)
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_importing_the_first_frame_loads_no_service_library():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"loaded at first frame: {out.stdout.strip()}"


def test_the_probe_sees_a_heavy_import():
    # Guard: the same probe reports a library once something imports it.
    probe = PROBE.replace("import sys\n", "import sys\nimport requests\n", 1)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "requests" in out.stdout


def test_the_panels_and_the_engine_load_after_the_first_frame():
    # The step panels (and through them the engine's rules) mount after the first frame.
    probe = PROBE.replace(
        f"{HEAVY!r}", repr(["college_tui.ui.panels", "college_tui.steps.session"])
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"loaded at first frame: {out.stdout.strip()}"


def test_the_step_list_names_the_engines_steps_in_its_order():
    from college_tui.steps.plan import STEPS
    from college_tui.ui.panels import PANELS
    from college_tui.ui.widgets.step_list import STEP_NAMES

    keys = [key for key, _ in STEP_NAMES]
    assert keys == [step.key for step in STEPS] == [panel.STEP for panel in PANELS]


def test_the_engines_events_and_runner_load_after_the_first_frame():
    # `college-tui --sandbox` (launch.py, not cli/): the events' and the runner's dataclasses
    # were 10 ms of figure 1 (docs/performance.md); they load with the engine's first event.
    probe = (
        PROBE.replace("import college_tui.launch, college_tui.cli\n", "import college_tui.launch\n")
        .replace(", college_tui.ui.welcome\n", "\n")
        .replace(f"{HEAVY!r}", repr(["college_tui.events", "college_tui.steps.runner"]))
    )
    assert "college_tui.cli" not in probe and "college_tui.ui.welcome" not in probe
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"loaded at first frame: {out.stdout.strip()}"
