import json
import os
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    # A real process whose database lives in a folder that does not exist.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openprm.test_settings",
        "OPENPRM_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
    }
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health/');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])

    assert result == {
        "status": 503,
        "body": {"status": "unavailable", "database": "unreachable"},
    }


@pytest.mark.django_db
def test_favicon_ico_answers_with_the_apps_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("openprm/favicon.ico")
    assert finders.find("openprm/favicon.ico")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page
