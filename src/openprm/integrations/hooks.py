"""Found at start-up: the fulfilment provider the integrations add."""

from openprm.integrations.fulfilment import provider  # noqa: F401 (registers it)
