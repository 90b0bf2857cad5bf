import pytest

from openprm.programs.benefits import BenefitValueError, clean_benefit_value


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("discount_percent", "12.5", "12.5"),
        ("discount_percent", 0, "0"),
        ("points_multiplier", "1.5", "1.5"),
        ("deal_protection_days", "90", 90),
        ("fund_eligible", "yes", True),
        ("fund_eligible", False, False),
        ("content_access", " Gold playbooks ", "Gold playbooks"),
    ],
)
def test_a_valid_value_is_stored_typed_by_kind(kind, raw, stored):
    assert clean_benefit_value(kind, raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("discount_percent", "101"),
        ("discount_percent", "lots"),
        ("points_multiplier", "0"),
        ("deal_protection_days", "1.5"),
        ("deal_protection_days", "-1"),
        ("fund_eligible", "perhaps"),
        ("content_access", ""),
        ("free_lunch", "1"),
    ],
)
def test_an_invalid_value_is_refused(kind, raw):
    with pytest.raises(BenefitValueError):
        clean_benefit_value(kind, raw)
