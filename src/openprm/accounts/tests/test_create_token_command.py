from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token
from openprm.core.models import AuditEntry


def create_token(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create-token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_prints_only_the_new_token_on_stdout(client):
    user = UserFactory(email="ops@vendor.example")

    out, err = create_token("--user", "OPS@vendor.example", "--name", "monitoring")

    secret = out.strip()
    token = ApiToken.objects.get(user=user)
    assert out == secret + "\n"
    assert token.key_hash == hash_token(secret)
    assert token.name == "monitoring"
    assert "shown only this once" in err
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["email"] == "ops@vendor.example"


@pytest.mark.django_db
def test_the_name_defaults_and_the_creation_is_audited_as_the_system():
    user = UserFactory()

    create_token("--user", user.email)

    entry = AuditEntry.objects.get(verb="api_token.created")
    assert ApiToken.objects.get(user=user).name == "Command line"
    assert (entry.actor, entry.actor_label) == (None, "")


@pytest.mark.django_db
def test_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No user signs in with 'nobody@x\."):
        create_token("--user", "nobody@x.example")

    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_a_deactivated_user_is_a_clear_error():
    user = UserFactory(email="gone@vendor.example", is_active=False)

    with pytest.raises(CommandError, match=r"gone@vendor\.example is deactivated"):
        create_token("--user", user.email)

    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_a_too_long_name_is_a_clear_error():
    user = UserFactory()

    with pytest.raises(CommandError, match="At most 100 characters"):
        create_token("--user", user.email, "--name", "x" * 101)
