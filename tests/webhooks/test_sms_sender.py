"""Texts sent about a request are recorded for its timeline: kind, time and SID only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

import tests.webhooks.twilio.test_amd as amd
from callback.carrier import TelephonyError
from callback.service.ports import SmsAbout
from callback.store import QueueStore
from callback.store.engine import read_transaction
from callback.store.request_sms import REQUEST_SMS, SentSms, SmsKind, sms_for
from callback.types import E164
from tests.callback.store.support import SUPPORT, at, incoming, number
from webhooks.sms_sender import TelephonySms, sms_recorder

SID = "SM" + "e" * 32


@dataclass
class TextingPhone(amd.RedirectingPhone):
    """Accepts every text with the same MessageSid, or refuses each one with `refusal`."""

    refusal: TelephonyError | None = None

    def send_sms(self, *, to: E164, from_: str, body: str, status_callback: str) -> str:
        if self.refusal is not None:
            raise self.refusal
        return SID


def _sender(phone: TextingPhone, engine: Engine) -> TelephonySms:
    return TelephonySms(
        phone, "+15005550006", "http://x/status", sms_recorder(engine, lambda: at(1))
    )


def test_a_text_about_a_request_is_recorded_with_its_sid(store: QueueStore, engine: Engine) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    sender = _sender(TextingPhone(), engine)
    sender.send(number(1), "code 123456", SmsAbout(request.id, SmsKind.CONFIRMATION))
    sender.send(number(1), "no request behind this one")
    sender.close()
    with read_transaction(engine) as connection:
        assert sms_for(connection, request.id) == [SentSms(at(1), SmsKind.CONFIRMATION, SID)]
        rows = connection.execute(select(REQUEST_SMS)).all()
    assert len(rows) == 1
    assert all(number(1) not in str(v) and "123456" not in str(v) for v in rows[0])


def test_a_text_the_carrier_refuses_is_not_recorded(store: QueueStore, engine: Engine) -> None:
    request = store.enqueue(SUPPORT, number(1), incoming(0), at(0)).request
    refusal = TelephonyError("refused", retryable=False, ambiguous=False)
    sender = _sender(TextingPhone(refusal=refusal), engine)
    sender.send(number(1), "hello", SmsAbout(request.id, SmsKind.APOLOGY))
    sender.close()
    with read_transaction(engine) as connection:
        assert sms_for(connection, request.id) == []
