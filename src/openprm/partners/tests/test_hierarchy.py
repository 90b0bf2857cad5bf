from openprm.partners.hierarchy import (
    check_merge,
    check_move,
    max_partner_depth,
    moved_path,
)


def test_max_depth_defaults_to_three_tiers(settings):
    del settings.OPENPRM_MAX_PARTNER_DEPTH

    assert max_partner_depth() == 3


def test_max_depth_is_read_from_settings_at_call_time(settings):
    settings.OPENPRM_MAX_PARTNER_DEPTH = 5

    assert max_partner_depth() == 5


def test_moving_beneath_itself_is_a_cycle():
    check = check_move(
        partner_path="/1/",
        partner_depth=0,
        subtree_max_depth=1,
        parent_path="/1/",
        parent_depth=0,
        max_depth=3,
    )

    assert check.allowed is False
    assert "beneath itself" in str(check.reason)


def test_moving_beneath_a_descendant_is_a_cycle():
    check = check_move(
        partner_path="/1/",
        partner_depth=0,
        subtree_max_depth=1,
        parent_path="/1/2/",
        parent_depth=1,
        max_depth=3,
    )

    assert check.allowed is False


def test_a_sibling_with_a_similar_id_prefix_is_not_a_descendant():
    check = check_move(
        partner_path="/1/",
        partner_depth=0,
        subtree_max_depth=0,
        parent_path="/12/",
        parent_depth=0,
        max_depth=3,
    )

    assert check.allowed is True


def test_a_move_that_makes_too_many_tiers_is_refused():
    # A two-tier subtree beneath a partner at depth 1 makes four tiers.
    check = check_move(
        partner_path="/5/",
        partner_depth=0,
        subtree_max_depth=1,
        parent_path="/1/2/",
        parent_depth=1,
        max_depth=3,
    )

    assert check.allowed is False
    assert "at most 3 tiers; this move would make 4" in str(check.reason)


def test_a_move_to_the_top_is_allowed():
    check = check_move(
        partner_path="/1/2/",
        partner_depth=1,
        subtree_max_depth=2,
        parent_path=None,
        parent_depth=None,
        max_depth=3,
    )

    assert check.allowed is True


def test_moved_path():
    assert moved_path(partner_id=7, parent_path="/1/2/") == "/1/2/7/"
    assert moved_path(partner_id=7, parent_path=None) == "/7/"


def test_merging_into_a_partner_beneath_the_duplicate_is_refused():
    check = check_merge(
        survivor_path="/1/2/",
        survivor_depth=1,
        duplicate_path="/1/",
        duplicate_depth=0,
        duplicate_subtree_max_depth=1,
        max_depth=3,
    )

    assert check.allowed is False


def test_merging_children_too_deep_is_refused():
    check = check_merge(
        survivor_path="/1/2/",
        survivor_depth=1,
        duplicate_path="/3/",
        duplicate_depth=0,
        duplicate_subtree_max_depth=2,
        max_depth=3,
    )

    assert check.allowed is False


def test_a_terminated_partner_takes_no_one_beneath_it():
    check = check_move(
        partner_path="/5/",
        partner_depth=0,
        subtree_max_depth=0,
        parent_path="/1/",
        parent_depth=0,
        max_depth=3,
        parent_is_terminated=True,
    )

    assert check.allowed is False
    assert "terminated" in str(check.reason)
