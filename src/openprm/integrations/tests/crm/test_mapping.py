"""Mappings: transforms, checks and conflict rules (pure logic)."""

import pytest

from openprm.integrations.crm import mapping


def test_transforms_apply_in_order():
    steps = (("trim",), ("lower",), ("prefix", "x-"))
    assert mapping.apply(steps, "  ABC ", {}) == "x-abc"
    assert mapping.apply((("domain",), ("prefix", "p@")), "https://www.a.io/x", {}) == (
        "p@a.io"
    )
    assert mapping.apply(
        (("concat", ["a", "b"], "-"),), None, {"a": "1", "b": "2"}
    ) == ("1-2")
    assert mapping.apply((("default", "-"),), "", {}) == "-"
    assert mapping.apply((("url",),), "a.io", {}) == "https://a.io"


def test_picklist_value_not_in_the_map_is_an_error_unless_a_fallback_is_given():
    with pytest.raises(mapping.TransformError, match="“won” is not in"):
        mapping.apply((("map", {"open": "OPEN"}),), "won", {})
    assert mapping.apply((("map", {"open": "OPEN"}, "OTHER"),), "won", {}) == "OTHER"


def test_parse_reports_every_problem():
    with pytest.raises(mapping.MappingError) as wrong:
        mapping.parse([{"local": "name", "direction": "sideways"}, {"out": [["nope"]]}])
    assert wrong.value.problems == [
        "Field 1: direction is one of both, in, out.",
        "Field 2: names neither an OpenPRM nor a CRM field.",
        "Field 2: unknown transform ['nope'].",
    ]


def test_check_fields_names_fields_missing_on_either_side():
    specs = mapping.parse([{"local": "nme", "remote": "town"}])
    assert mapping.check_fields(
        specs, local_fields={"name"}, remote_fields={"name"}
    ) == ["OpenPRM has no field “nme”.", "The CRM has no field “town”."]


@pytest.mark.parametrize(
    ("rule", "local_newer", "winner"),
    [("crm", True, "crm"), ("prm", False, "prm"), ("newest", True, "prm"),
     ("newest", False, "crm"), ("ask", True, "ask")],
)  # fmt: skip
def test_conflict_rules(rule, local_newer, winner):
    spec = mapping.FieldSpec(local="city", remote="billing_city", rule=rule)
    decision = mapping.decide(spec, local="A", remote="B", local_newer=local_newer)
    assert decision.winner == winner
    assert decision.reasons
