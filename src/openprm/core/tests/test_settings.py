import os
import stat
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "SECRET_KEY": "x7#Jk2!pQ9zR4vW8yB1nM5cT3gH6fD0sA-eL_uI+oP=kZ@qX%wE^rY&tU*iO(pA)",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "prm.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def openprm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the real `openprm` command with exactly the given environment on top."""
    unset = {
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    base = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(
        [sys.executable, "-m", "openprm", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_reports_nothing_with_production_values(tmp_path):
    result = openprm(
        "check", "--deploy", "--fail-level", "WARNING",
        env={**PRODUCTION_ENV, "OPENPRM_VAR_DIR": str(tmp_path)},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secret_key_is_generated_once_into_var_and_kept_private(tmp_path):
    env = {"OPENPRM_VAR_DIR": str(tmp_path)}

    openprm("check", env=env)
    first = (tmp_path / "secret_key").read_text()
    openprm("check", env=env)

    assert len(first) >= 50
    assert (tmp_path / "secret_key").read_text() == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_an_unreadable_boolean_setting_is_refused_with_its_name(tmp_path):
    result = openprm("check", env={"OPENPRM_VAR_DIR": str(tmp_path), "DEBUG": "maybe"})

    assert result.returncode == 1
    assert "DEBUG must be a boolean (true/false), not 'maybe'" in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker", "seed-demo"])
def test_each_openprm_command_explains_itself(command, tmp_path):
    result = openprm(command, "--help", env={"OPENPRM_VAR_DIR": str(tmp_path)})

    assert result.returncode == 0
    assert "usage: openprm " + command in result.stdout
