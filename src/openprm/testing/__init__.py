"""Test support shipped with the package (browser discovery for the e2e suite)."""
