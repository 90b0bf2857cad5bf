# Django's English defaults ("11/26/2026 6 p.m.") drop the minutes and read
# differently on each side of the Atlantic; a channel spans both.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
