"""The exchange-rate table: how the vendor's figures in several currencies meet in
the reporting currency."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel


class ExchangeRate(TimeStampedModel):
    """How many units of the reporting currency one unit of ``currency`` is worth,
    from ``valid_from`` until the next rate of the same currency (``money.py``).

    ``base_currency`` is the reporting currency the rate was entered for: rates
    entered for another one are not used, so changing the setting shows missing
    rates instead of converting with wrong ones.
    """

    currency = models.CharField(_("currency"), max_length=3)
    base_currency = models.CharField(_("reporting currency"), max_length=3)
    # 15 significant digits: exact on SQLite, which keeps decimals as doubles.
    rate = models.DecimalField(_("rate"), max_digits=15, decimal_places=10)
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        # The table, constraints and index kept their names when the model left
        # the kernel (a state-only move: see migrations/0001_initial.py).
        db_table = "core_exchangerate"
        ordering = ["currency", "-valid_from", "-id"]
        verbose_name = _("exchange rate")
        constraints = [
            models.UniqueConstraint(
                fields=["base_currency", "currency", "valid_from"],
                name="core_rate_currency_date_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0), name="core_rate_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(currency=models.F("base_currency")),
                name="core_rate_not_to_itself",
            ),
        ]
        indexes = [
            # The rates page: by currency pair, newest first (all, or one
            # currency's).
            models.Index(
                fields=["base_currency", "currency", "-valid_from", "-id"],
                name="currencies_rate_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize():f} {self.base_currency}"
