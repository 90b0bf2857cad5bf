import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import TOKEN_PREFIX, hash_token
from openprm.accounts.tokens.services import api_token_create, api_token_revoke
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent


def rows() -> tuple[int, int, int]:
    return (
        ApiToken.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


@pytest.mark.django_db
def test_create_returns_the_secret_once_and_stores_only_its_hash_and_prefix():
    user = UserFactory()

    token, secret = api_token_create(user=user, name="CRM sync", actor=user)

    token.refresh_from_db()
    assert secret.startswith(TOKEN_PREFIX)
    assert token.key_hash == hash_token(secret)
    assert token.prefix == secret[:12]
    assert secret not in {getattr(token, field.attname) for field in token._meta.fields}


@pytest.mark.django_db
def test_create_is_audited_and_announced_without_the_secret_or_its_hash():
    user = UserFactory(email="chris@contoso.example")

    token, secret = api_token_create(user=user, name="CRM sync", actor=user)

    entry = AuditEntry.objects.get(object_type="accounts.apitoken")
    event = OutboxEvent.objects.get(name="api_token.created")
    assert (entry.action, entry.verb, entry.actor) == (
        "create",
        "api_token.created",
        user,
    )
    assert entry.changes == {
        "user": [None, user.pk],
        "name": [None, "CRM sync"],
        "prefix": [None, token.prefix],
    }
    assert event.payload["name"] == "CRM sync"
    recorded = f"{entry.changes} {entry.object_repr} {event.payload}"
    assert secret not in recorded
    assert secret[12:] not in recorded
    assert token.key_hash not in recorded


@pytest.mark.django_db
def test_a_token_needs_a_name():
    user = UserFactory()
    before = rows()

    with pytest.raises(ValidationFailed) as raised:
        api_token_create(user=user, name="   ", actor=user)

    assert list(raised.value.field_errors) == ["name"]
    assert rows() == before


@pytest.mark.django_db
def test_nobody_creates_a_token_for_someone_else():
    user, other = UserFactory(), UserFactory()
    before = rows()

    with pytest.raises(PermissionDenied):
        api_token_create(user=user, name="sneaky", actor=other)

    assert rows() == before


@pytest.mark.django_db
def test_a_deactivated_user_cannot_get_a_token():
    user = UserFactory(is_active=False)
    before = rows()

    with pytest.raises(PermissionDenied):
        api_token_create(user=user, name="cli", actor=None)

    assert rows() == before


@pytest.mark.django_db
def test_revoke_stamps_the_token_and_records_the_change():
    user = UserFactory()
    token, _ = api_token_create(user=user, name="old script", actor=user)

    api_token_revoke(token=token, actor=user)

    token.refresh_from_db()
    entry = AuditEntry.objects.get(verb="api_token.revoked")
    assert token.revoked_at is not None
    assert entry.changes == {"revoked_at": [None, token.revoked_at.isoformat()]}
    assert OutboxEvent.objects.filter(name="api_token.revoked").count() == 1


@pytest.mark.django_db
def test_revoking_twice_records_one_change():
    user = UserFactory()
    token, _ = api_token_create(user=user, name="old script", actor=user)
    api_token_revoke(token=token, actor=user)
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    before = rows()

    api_token_revoke(token=ApiToken.objects.get(pk=token.pk), actor=user)

    assert rows() == before
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at


@pytest.mark.django_db
def test_nobody_revokes_someone_elses_token():
    owner, other = UserFactory(), UserFactory()
    token, _ = api_token_create(user=owner, name="mine", actor=owner)
    before = rows()

    with pytest.raises(NotFound):
        api_token_revoke(token=token, actor=other)

    assert rows() == before
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
