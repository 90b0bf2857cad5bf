"""Co-branded assets: zones on a PDF or image asset where a partner's logo and details
are stamped, the partner's copy made and cached, its download from the portal."""
