"""Zones: their shape, and their fit on the real pages."""

from openprm.content.cobranding import zones

LETTER = [(0.0, 0.0, 612.0, 792.0)]


def logo(**changes) -> dict:
    return {
        "kind": "logo",
        "page": 1,
        "x": 36,
        "y": 720,
        "width": 144,
        "height": 48,
        **changes,
    }


def text(**changes) -> dict:
    return {**logo(kind="text", field="name"), **changes}


def test_a_logo_and_a_text_zone_parse():
    parsed, errors = zones.parse([logo(), text(font_size=12)])

    assert errors == {}
    assert parsed == [
        zones.Zone("logo", 1, 36.0, 720.0, 144.0, 48.0),
        zones.Zone("text", 1, 36.0, 720.0, 144.0, 48.0, "name", 12.0),
    ]


def test_zones_must_be_a_list():
    assert zones.parse({"kind": "logo"}) == ([], {"zones": ["Give a list of zones."]})


def test_each_bad_value_is_named_by_zone_and_field():
    _parsed, errors = zones.parse(
        [logo(), logo(kind="box", page=0, width=0, x="left", font_size=3)]
    )

    assert errors == {
        "zones.1.kind": ["Zone 2: the kind is logo or text."],
        "zones.1.page": ["Zone 2: give a page number from 1."],
        "zones.1.x": ["Zone 2: give a number."],
        "zones.1.width": ["Zone 2: the width must be more than 0."],
        "zones.1.font_size": ["Zone 2: the font size is 4 to 72 points."],
    }


def test_a_text_zone_names_a_known_field():
    _parsed, errors = zones.parse([text(field="fax")])

    assert errors == {
        "zones.0.field": [
            "Zone 1: a text zone shows one of: name, website, phone, email, "
            "contact_name."
        ]
    }


def test_a_logo_zone_shows_no_field():
    _parsed, errors = zones.parse([logo(field="name")])

    assert errors == {
        "zones.0.field": ["Zone 1: a logo zone shows the logo, not a field."]
    }


def test_font_size_is_bounded():
    _parsed, errors = zones.parse([text(font_size=200)])

    assert errors == {"zones.0.font_size": ["Zone 1: the font size is 4 to 72 points."]}


def test_unknown_keys_are_refused():
    _parsed, errors = zones.parse([logo(colour="red")])

    assert errors == {"zones.0": ["Zone 1 has unknown keys: colour."]}


def test_too_many_zones_are_refused():
    _parsed, errors = zones.parse([logo()] * (zones.MAX_ZONES + 1))

    assert errors == {"zones": ["Give at most 20 zones."]}


def test_a_zone_inside_the_page_fits():
    parsed, _errors = zones.parse([logo(x=0, y=0, width=612, height=792)])

    assert zones.check_against_pages(parsed, LETTER) == {}


def test_a_zone_past_the_right_edge_lies_outside_its_page():
    parsed, _errors = zones.parse([logo(), logo(x=500)])

    assert zones.check_against_pages(parsed, LETTER) == {
        "zones.1": ["Zone 2 lies outside page 1 (612 x 792 pt)."]
    }


def test_a_zone_above_the_top_lies_outside_its_page():
    parsed, _errors = zones.parse([logo(y=760)])

    assert zones.check_against_pages(parsed, LETTER) == {
        "zones.0": ["Zone 1 lies outside page 1 (612 x 792 pt)."]
    }


def test_a_zone_on_a_missing_page_is_refused():
    parsed, _errors = zones.parse([logo(page=3)])

    assert zones.check_against_pages(parsed, LETTER * 2) == {
        "zones.0.page": ["Zone 1 is on page 3; the file has 2."]
    }


def test_a_page_box_with_an_offset_origin_is_respected():
    parsed, _errors = zones.parse([logo(x=10, y=10)])

    assert zones.check_against_pages(parsed, [(50.0, 50.0, 662.0, 842.0)]) == {
        "zones.0": ["Zone 1 lies outside page 1 (612 x 792 pt)."]
    }


def test_an_image_says_pixels():
    parsed, _errors = zones.parse([logo(x=700)])

    assert zones.check_against_pages(parsed, [(0, 0, 800, 400)], unit="px") == {
        "zones.0": ["Zone 1 lies outside page 1 (800 x 400 px)."]
    }


def test_sample_zones_fit_their_page():
    parsed, errors = zones.parse(zones.sample_zones(LETTER))

    assert errors == {}
    assert [zone.kind for zone in parsed] == ["logo", "text", "text"]
    assert zones.check_against_pages(parsed, LETTER) == {}
