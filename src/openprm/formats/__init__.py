"""Date and time formats: unambiguous 24-hour times in every table of the product."""
