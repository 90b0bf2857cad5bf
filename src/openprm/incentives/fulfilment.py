"""Fulfilment providers: who turns a redemption order into a delivered reward.

A provider is an adapter with a small interface (:class:`FulfilmentProvider`),
registered by name with :func:`register`. The vendor sets each one up in the
console (Rewards → Fulfilment: its options, and which one is the default); a
reward may name its own. When an order is placed, the order's provider gets it
(:meth:`FulfilmentProvider.submit`) in the same transaction as the points; what
the provider later reports (shipped, delivered, failed) goes through
``rewards.redemption_order_report``, whatever the channel: a signed callback, a
status file, a vendor user.

Two ship with OpenPRM: ``csv`` (here: orders wait for a batch export, and the
fulfilment house's status file is imported back) and ``webhook`` (in
``integrations.fulfilment``: the order is POSTed, signed with Standard Webhooks,
through the webhook delivery log and its retries; the service calls back).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from openprm.incentives.models import FulfilmentSetting, RedemptionOrder, Reward


@dataclass(frozen=True)
class OptionField:
    """One setting a provider needs (e.g. the endpoint to send to), chosen in the
    console among ``choices()`` (value, label)."""

    name: str
    label: str
    choices: Callable[[], list[tuple[str, str]]] = field(default=lambda: [])


class FulfilmentProvider:
    """The interface of a fulfilment adapter: subclass it, name it, register it."""

    #: Stable key, stored on rewards, settings and orders.
    name: str = ""
    label = ""
    description = ""
    option_fields: tuple[OptionField, ...] = ()

    def clean_options(self, options: dict) -> tuple[dict, dict[str, list[str]]]:
        """The options kept for this provider, and the errors by option name."""
        cleaned, errors = {}, {}
        for option in self.option_fields:
            value = str(options.get(option.name) or "")
            if value not in {choice for choice, _label in option.choices()}:
                errors[option.name] = [str(_("Choose one of the options."))]
            cleaned[option.name] = value
        return cleaned, errors

    def submit(self, *, order: RedemptionOrder, event, options: dict) -> dict:
        """Hand the order over, inside the transaction that placed it (``event`` is
        its ``redemption.submitted`` outbox row). Returns what the order keeps to
        recognise the provider's reports later. Raise ``core.errors.Conflict`` when
        the order cannot be handed over: the redemption is then refused whole."""
        raise NotImplementedError


_providers: dict[str, FulfilmentProvider] = {}


def register(provider: FulfilmentProvider) -> FulfilmentProvider:
    existing = _providers.get(provider.name)
    if existing is not None and type(existing) is not type(provider):
        raise ValueError(f"Fulfilment provider {provider.name!r} is registered twice")
    _providers[provider.name] = provider
    return provider


def get(name: str) -> FulfilmentProvider | None:
    return _providers.get(name)


def registered() -> list[FulfilmentProvider]:
    return sorted(_providers.values(), key=lambda provider: provider.name)


def choices() -> list[tuple[str, str]]:
    return [(provider.name, str(provider.label)) for provider in registered()]


def provider_for(reward: Reward) -> tuple[FulfilmentProvider, dict] | None:
    """The provider of the reward's orders (its own, else the default one) with
    its options; None when neither is set up (orders are then fulfilled by hand)."""
    settings = FulfilmentSetting.objects
    if reward.fulfilment_provider:
        setting = settings.filter(provider=reward.fulfilment_provider).first()
        name = reward.fulfilment_provider
    else:
        setting = settings.filter(is_default=True).first()
        name = setting.provider if setting else ""
    provider = get(name)
    if provider is None:
        return None
    return provider, (setting.options if setting else {})


class CsvBatchProvider(FulfilmentProvider):
    """Orders wait for the next batch export; the status file comes back."""

    name = "csv"
    label = _("CSV batch export")
    description = _(
        "Orders wait for the next export (a CSV file for the fulfilment house); "
        "its file of statuses is imported back."
    )

    def submit(self, *, order, event, options) -> dict:
        return {}


register(CsvBatchProvider())

# The batch file's columns, and the status file's.
EXPORT_COLUMNS = [
    "order",
    "placed_on",
    "partner",
    "ordered_by",
    "email",
    "reward",
    "points",
]
STATUS_COLUMNS = ("order", "status")


def export_row(order: RedemptionOrder) -> list:
    user = order.ordered_by
    return [
        str(order.public_id),
        order.created_at.date().isoformat(),
        order.partner.name,
        user.get_full_name() if user else "",
        user.email if user else "",
        order.reward.name,
        order.points,
    ]
