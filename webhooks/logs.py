"""Logging set-up: every record, traceback included, is cleaned before any sink sees it.

Cleaning redacts secrets (`webhooks.redaction`), masks phone numbers (`callback.privacy`) and
escapes control characters, so a value that came from outside (a signed CallSid, a header)
cannot start a line of its own. A record is one line; the lines of its traceback or stack
follow, each indented by `CONTINUATION`, so no continuation line can pass for a record.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping

from callback.config import SupervisorConfig
from callback.privacy import mask_text
from settings import Settings
from webhooks.redaction import Redactor

CONTINUATION = "  | "
"""What starts each line of a traceback or stack in the log."""

_CONTROL = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_CLEANED = "holdless_cleaned"  # set on a record once, so a second handler does not clean twice
_TRACEBACK = logging.Formatter()


def escape_controls(text: str) -> str:
    """`text` with every control, format or line-separator character written as an escape."""
    if text.isprintable():
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _CONTROL:
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class CleanRecords(logging.Filter):
    """Redacts, masks and escapes each record's message, traceback and stack in place."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def clean(self, text: str) -> str:
        """One line of log text, safe to write."""
        return escape_controls(mask_text(self._redact(text)))

    def block(self, text: str) -> str:
        """Several lines (a traceback, a stack), each cleaned and indented."""
        lines = mask_text(self._redact(text)).splitlines()
        return "\n".join(CONTINUATION + escape_controls(line) for line in lines)

    def filter(self, record: logging.LogRecord) -> bool:
        """Clean the record once; never drops one."""
        if getattr(record, _CLEANED, False):
            return True
        record.msg, record.args = self.clean(_message(record)), None
        if record.exc_info:
            # Rendered here so that no formatter can render the raw exception later.
            record.exc_text = record.exc_text or _TRACEBACK.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.block(record.exc_text)
        if record.stack_info:
            record.stack_info = self.block(record.stack_info)
        setattr(record, _CLEANED, True)
        return True


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the format: keep both
        return f"{record.msg!s} {record.args!r}"


def known_secrets(
    settings: Settings, config: SupervisorConfig, environ: Mapping[str, str]
) -> tuple[str, ...]:
    """The secret values this process holds: Twilio tokens, the console's session secret and
    the variables the config names."""
    tokens = (
        settings.twilio_auth_token,
        settings.twilio_secondary_auth_token,
        settings.session_secret,
    )
    names: list[str | None] = [key.secret_env for key in config.api.keys]
    names += [config.abuse.captcha.secret_env, config.events.secret_env]
    values = [token.get_secret_value() for token in tokens if token is not None]
    values += [environ.get(name, "") for name in names if name is not None]
    return tuple(value for value in values if value)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr, every record cleaned; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(CleanRecords(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own logging config gives its loggers handlers that bypass the filter and
    # stops them propagating; whoever configured them before us, they go through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    # The ticker runs jobs every few seconds; its per-run lines would drown everything else.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
    # urllib3 (under the twilio client) logs raw request lines at DEBUG, query strings with
    # phone numbers included; the filter above is a second line of defence, not the first.
    logging.getLogger("urllib3").setLevel(max(logging.INFO, root.level))
    # The simulated carrier's HTTP client would log every webhook twice (uvicorn does too).
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    # httpcore, under httpx, traces every exchange at DEBUG, response headers included.
    logging.getLogger("httpcore").setLevel(max(logging.INFO, root.level))
