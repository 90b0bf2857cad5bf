"""OpenPRM: open-source Partner Relationship Management."""

__version__ = "0.1.0"
