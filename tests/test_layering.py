"""`make lint` holds the layering: a forbidden import fails it (ADR-free proof that
the contracts in pyproject.toml are wired and bite)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_copy(
    tmp_path: Path, *, module: str, line: str
) -> subprocess.CompletedProcess:
    """Run the project's import contracts over a copy of the package with ``line``
    added to ``module`` (a path below src/openprm)."""
    shutil.copytree(
        ROOT / "src" / "openprm",
        tmp_path / "src" / "openprm",
        ignore=shutil.ignore_patterns("__pycache__", "static"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "openprm" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_kernel_importing_an_app_fails_the_lint(tmp_path):
    result = _lint_copy(
        tmp_path, module="core/audit.py", line="from openprm.deals import models"
    )

    assert result.returncode != 0
    assert "openprm.core is not allowed to import openprm.deals" in result.stdout


def test_an_app_importing_another_apps_views_fails_the_lint(tmp_path):
    result = _lint_copy(
        tmp_path, module="leads/services.py", line="from openprm.deals import views"
    )

    assert result.returncode != 0
    assert "openprm.leads is not allowed to import openprm.deals.views" in result.stdout
