"""What reaches the log: no secret, no full number, one line per record, readable SIDs."""

from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from callback.config import load_config
from settings import Settings
from tests.webhooks.api.conftest import API_TABLES
from tests.webhooks.logged import Read, logging_as_served
from webhooks.logs import CONTINUATION, CleanRecords, known_secrets

PHONE = "+44 20 7946 0456"
DIGITS = "2079460456"
AUTH_TOKEN = "9c1f0e8d7b6a59483726150f4e3d2c1b"
CALL_SID = "CA" + "0123456789abcdef" * 2
SMS_SID = "SM" + "fedcba9876543210" * 2
RECORD_START = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} [A-Z]+ ")


@pytest.fixture
def logged() -> Iterator[Read]:
    """Logging as `holdless serve` sets it up, knowing one secret; reads what it wrote."""
    with logging_as_served([AUTH_TOKEN]) as read:
        yield read


def test_a_status_link_in_the_access_log_is_redacted(logged: Read) -> None:
    token = secrets.token_urlsafe(32)
    access = logging.getLogger("uvicorn.access")
    line = '%s - "%s %s HTTP/%s" %d'  # uvicorn's own access-log format
    access.info(line, "127.0.0.1:50123", "GET", f"/api/v1/callbacks/{token}", "1.1", 200)
    access.info(line, "127.0.0.1:50123", "DELETE", f"/api/v1/callbacks/{token}?x=1", "1.1", 200)
    access.info(line, "127.0.0.1:50124", "POST", "/api/v1/callbacks/verify", "1.1", 201)
    out = logged()
    assert token not in out
    assert out.count('"GET /api/v1/callbacks/[redacted] HTTP/1.1" 200') == 1
    assert '"DELETE /api/v1/callbacks/[redacted]?x=1 HTTP/1.1" 200' in out
    assert '"POST /api/v1/callbacks/verify HTTP/1.1" 201' in out


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("GET /c/support?lang=en&key=pk_live_widget_key_2026", "pk_live_widget_key_2026"),
        ("GET /c/support?verification=Zx81_kq2M0a9Lw3pQ7rT5vY", "Zx81_kq2M0a9Lw3pQ7rT5vY"),
        ("engine postgresql+psycopg://holdless:Pa55word@db/holdless", "Pa55word"),
        ("sent {'authorization': 'Bearer sup3r-visor-key'}", "sup3r-visor-key"),
        ('body {"x-holdless-signature": "ab12cd34ef56"}', "ab12cd34ef56"),
        (f"Twilio answered 401 for token {AUTH_TOKEN}", AUTH_TOKEN),
    ],
)
def test_bearer_like_values_and_known_secrets_are_redacted(
    logged: Read, text: str, secret: str
) -> None:
    logging.getLogger("holdless.test").warning("%s", text)
    out = logged()
    assert secret not in out
    assert "[redacted]" in out


def test_a_traceback_is_masked_redacted_and_indented(logged: Read) -> None:
    try:
        raise ValueError(f"no route for {PHONE} with token={AUTH_TOKEN}")
    except ValueError:
        logging.getLogger("holdless.test").exception("booking failed")
    out = logged()
    assert DIGITS not in out.replace(" ", "") and AUTH_TOKEN not in out
    first, *rest = out.splitlines()
    assert first.endswith("ERROR holdless.test: booking failed")
    assert rest[0] == CONTINUATION + "Traceback (most recent call last):"
    assert (
        rest[-1] == CONTINUATION + "ValueError: no route for +44 ******* 56 with token=[redacted]"
    )
    assert all(line.startswith(CONTINUATION) for line in rest)


def _shout(number: str) -> None:
    logging.getLogger("holdless.test").warning("stacked", stack_info=True)


def test_a_stack_is_masked_too(logged: Read) -> None:
    _shout("+44 20 7946 0456")  # this source line shows in the stack
    out = logged()
    assert DIGITS not in out.replace(" ", "")
    assert CONTINUATION + "Stack (most recent call last):" in out
    assert '_shout("+44 ******* 56")' in out


@pytest.mark.parametrize(
    ("breaker", "shown"),
    [
        ("\n", "\\x0a"),
        ("\r", "\\x0d"),
        ("\r\n", "\\x0d\\x0a"),
        ("\x85", "\\x85"),
        ("\u2028", "\\u2028"),
        ("\x1b[2K\r", "\\x1b[2K\\x0d"),  # a terminal told to erase the line first
    ],
)
def test_a_line_break_in_a_logged_value_cannot_forge_a_record(
    logged: Read, breaker: str, shown: str
) -> None:
    forged = "2026-12-07 10:00:00,000 INFO holdless.api: refund approved"
    sid = f"{CALL_SID}{breaker}{forged}"  # a signed CallSid is still the caller's text
    logging.getLogger("holdless.test").warning("voicemail of call %s not stored", sid)
    out = logged()
    assert len(out.splitlines()) == 1
    assert out.endswith(f"voicemail of call {CALL_SID}{shown}{forged} not stored\n")


def test_a_line_break_in_an_exception_message_stays_inside_its_traceback(logged: Read) -> None:
    try:
        raise KeyError(f"{CALL_SID}\n2026-12-07 10:00:00,000 INFO holdless.api: refund approved")
    except KeyError:
        logging.getLogger("holdless.test").exception("status failed")
    lines = logged().splitlines()
    assert len([line for line in lines if RECORD_START.match(line)]) == 1
    assert all(line.startswith(CONTINUATION) for line in lines[1:])


def test_sids_hashes_and_addresses_stay_readable_and_numbers_do_not(logged: Read) -> None:
    log = logging.getLogger("holdless.test")
    digest = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    log.info("call placed: %s to %s", CALL_SID, PHONE)
    log.info("sms sent: %s", SMS_SID)
    log.info("config %s applied (%s): queues", "/etc/holdless.toml", digest[:12])
    log.info("old %s new %s from %s", digest, "123e4567-e89b-12d3-a456-426614174000", "10.20.30.40")
    out = logged()
    assert f"call placed: {CALL_SID} to +44 ******* 56" in out
    assert f"sms sent: {SMS_SID}" in out
    assert f"applied ({digest[:12]})" in out
    assert f"old {digest} new 123e4567-e89b-12d3-a456-426614174000 from 10.20.30.40" in out


def test_a_record_is_cleaned_once_whatever_the_handlers(logged: Read) -> None:
    second = io.StringIO()
    extra = logging.StreamHandler(second)
    extra.addFilter(CleanRecords())
    logging.getLogger().addHandler(extra)
    try:
        try:
            raise ValueError(PHONE)
        except ValueError:
            logging.getLogger("holdless.test").exception("twice")
    finally:
        logging.getLogger().removeHandler(extra)
    for out in (logged(), second.getvalue()):
        assert CONTINUATION + CONTINUATION not in out
        assert out.count(CONTINUATION + "ValueError: +44 ******* 56") == 1


def test_the_secrets_known_at_start_are_the_tokens_and_the_variables_the_config_names(
    config_file: Path,
) -> None:
    marker = "# How long personal data"
    config_file.write_text(config_file.read_text().replace(marker, API_TABLES + "\n" + marker))
    settings = Settings(
        _env_file=None,
        twilio_account_sid="AC5d2e9f0a1b3c4d6e7f8091a2b3c4d5e6",
        twilio_auth_token=AUTH_TOKEN,
        twilio_secondary_auth_token="8" + AUTH_TOKEN[1:],
    )
    environ = {"HOLDLESS_TEST_APP_SECRET": "app-secret-value", "HOME": "/root"}
    found = known_secrets(settings, load_config(config_file), environ)
    assert sorted(found) == sorted([AUTH_TOKEN, "8" + AUTH_TOKEN[1:], "app-secret-value"])


def test_the_console_session_secret_is_known_too(config_file: Path) -> None:
    secret = "k3Jq9vX2mP7tR4wL8nB5cY1zH6dF0gSa"
    settings = Settings(_env_file=None, session_secret=secret)
    assert known_secrets(settings, load_config(config_file), {}) == (secret,)
