"""Two-way sync with the vendor's CRM: connections, mappings, links, runs and the
sync log (see docs/crm-sync.md)."""
