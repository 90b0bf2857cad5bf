from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    VALUE_IN_LIST = "value_in_list", _("Value in a list")
    RANGE_BANDS = "range_bands", _("Range bands")
    CONTAINS_ANY = "contains_any", _("Contains any of")
    IS_TRUE = "is_true", _("Is true")
