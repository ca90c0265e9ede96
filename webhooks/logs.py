"""Logging set-up: phone numbers are personal data, so every record is masked."""

from __future__ import annotations

import logging

from callback.privacy import mask_text


class MaskPhoneNumbers(logging.Filter):
    """Rewrites each record's message so no full phone number reaches a log sink."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the rendered message in place; never drops a record."""
        record.msg = mask_text(record.getMessage())
        record.args = None
        return True


def configure_logging(level: str) -> None:
    """Root logging to stderr with masking; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhoneNumbers())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The ticker runs jobs every few seconds; its per-run lines would drown everything else.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
    # urllib3 (under the twilio client) logs raw request lines at DEBUG, query strings with
    # phone numbers included; the filter above is a second line of defence, not the first.
    logging.getLogger("urllib3").setLevel(max(logging.INFO, root.level))
    # The simulated carrier's HTTP client would log every webhook twice (uvicorn does too).
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
