"""The models of other apps that carry an audience, so the console can say which
items a partner sees (the explain page) without this app importing them.

An app registers its models from its ``hooks.py`` (imported at start-up)::

    register_audience_user(_("Assets"), Asset, live_q=asset_live_q)

``live_q`` (a callable, evaluated on each read) narrows the model to the rows a
partner could see at all now, e.g. published and not expired.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q


@dataclass(frozen=True)
class AudienceUser:
    """A model whose rows are shown to an audience (``field``, a foreign key)."""

    label: str
    model: type[Model]
    field: str = "audience"
    live_q: Callable[[], Q] | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def live(self):
        """The rows a partner could see now, whatever their audience."""
        queryset = self.model._default_manager.all()
        return queryset.filter(self.live_q()) if self.live_q else queryset


_registered: dict[str, AudienceUser] = {}


def register_audience_user(
    label, model: type[Model], field: str = "audience", live_q=None
) -> None:
    """Add (or replace) a model whose rows carry an audience."""
    user = AudienceUser(label=label, model=model, field=field, live_q=live_q)
    _registered[user.key] = user


def audience_users() -> list[AudienceUser]:
    """The registered models, in registration order."""
    return list(_registered.values())
