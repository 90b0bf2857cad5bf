import json
import time
import uuid
from decimal import Decimal

import pytest

from openprm.core import jsontext

VALUES = [
    None,
    True,
    0,
    -17,
    2.5,
    1e100,
    "",
    "Zürich",
    'quote " backslash \\ tab \t newline \n nul \x00 line sep \u2028 emoji \U0001f600',
    [],
    {},
    ["a", "b", 3, None],
    {"name": [None, "Société Générale"], "tags": [None, ["ä", "b"]]},
    {"id": 1, "public_id": "2f1c", "nested": {"list": [{"x": [1, {"y": "z"}]}]}},
    {"custom_fields": [None, {"tier": "gold"}], "parent": [None, None]},
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_is_json_dumps(value):
    assert jsontext.dumps(value) == json.dumps(value)


def test_dumps_refuses_what_json_dumps_refuses():
    with pytest.raises(TypeError):
        jsontext.dumps({"value": Decimal("1.5")})
    # and still works afterwards
    assert jsontext.dumps({"a": [1]}) == '{"a": [1]}'


def test_helpers():
    assert jsontext.text("Ünï\n") == json.dumps("Ünï\n")
    assert jsontext.strings(["a", 'b"']) == json.dumps(["a", 'b"'])
    assert jsontext.number(None) == "null"
    assert jsontext.number(12) == "12"


def test_ordered_uuids_are_version_7_in_order():
    first = jsontext.ordered_uuids(5000)  # more than one millisecond's counter
    second = jsontext.ordered_uuids(3)
    values = first + second
    assert len(set(values)) == len(values)
    assert values == sorted(values)  # in the order drawn, across calls
    for value in values:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert value == parsed.hex
        assert jsontext.uuid_text(value) == str(parsed)
    # The time it carries is now (milliseconds since the epoch).
    made_ms = int(values[0][:12], 16)
    assert abs(made_ms - time.time() * 1000) < 60_000
