"""What the reports app plugs in at start-up: the report kinds."""

from openprm.reports import kinds  # noqa: F401  (registers the report kinds)
