import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from openprm.integrations.webhooks import signing


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes():
    secret = signing.new_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.new_secret() != secret


def test_the_signature_is_the_one_the_standard_webhooks_library_computes():
    secret = signing.new_secret()
    body = b'{"type":"partner.created"}'

    ours = signing.signature(
        secret=secret, msg_id="msg_1", timestamp=1700000000, body=body
    )

    theirs = Webhook(secret).sign(
        msg_id="msg_1",
        timestamp=datetime.fromtimestamp(1700000000, tz=UTC),
        data=body.decode(),
    )
    assert ours == theirs


def test_headers_verify_with_the_standard_webhooks_library():
    secret = signing.new_secret()
    body = b'{"type":"partner.created","data":{"name":"Caf\\u00e9"}}'

    headers = signing.headers(
        secrets_in_use=[secret], msg_id="msg_1", timestamp=int(time.time()), body=body
    )

    assert Webhook(secret).verify(body, headers) == {
        "type": "partner.created",
        "data": {"name": "Café"},
    }


def test_during_a_rotation_both_secrets_verify():
    old, new = signing.new_secret(), signing.new_secret()
    body = b"{}"

    headers = signing.headers(
        secrets_in_use=[new, old], msg_id="msg_1", timestamp=int(time.time()), body=body
    )

    assert headers["webhook-signature"].count("v1,") == 2
    assert Webhook(old).verify(body, headers) == {}
    assert Webhook(new).verify(body, headers) == {}


def test_another_secret_or_a_changed_body_does_not_verify():
    secret = signing.new_secret()
    headers = signing.headers(
        secrets_in_use=[secret], msg_id="msg_1", timestamp=int(time.time()), body=b"{}"
    )

    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(b"{}", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"x":1}', headers)


def test_the_envelope_carries_type_version_timestamp_partner_and_data():
    body = signing.envelope(
        event_id="0b4d8f9e-8d51-4f4e-9c55-3f0e8a3b2a11",
        name="partner.created",
        version=1,
        occurred_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        payload={"id": 7},
        partner_id=7,
    )

    assert json.loads(body) == {
        "id": "0b4d8f9e-8d51-4f4e-9c55-3f0e8a3b2a11",
        "type": "partner.created",
        "version": 1,
        "timestamp": "2026-03-01T09:30:00Z",
        "partner": 7,
        "data": {"id": 7},
    }


def test_a_fingerprint_names_a_secret_without_revealing_it():
    secret = signing.new_secret()

    assert len(signing.fingerprint(secret)) == 12
    assert signing.fingerprint(secret) not in secret
    assert signing.fingerprint(secret) == signing.fingerprint(secret)
