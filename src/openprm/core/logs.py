"""Logging helpers named by the LOGGING setting."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused or missing page (a 4xx that Django logs with the exception that
    caused it) is one line in the log, not a traceback: it is the reader's
    mistake or missing permission, not the server's. 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
