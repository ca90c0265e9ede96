"""A caller apologised into the live queue (a webhook failed) still holds in the one line.

Found by the chaos `kills` scenario: a caller whose webhook broke when an instance was
killed got Twilio's fallback, whose `<Enqueue>` had no waitUrl; no hold round ever ran, so
the caller never joined the line and no agent was ever offered them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from callback.store.held_line import HeldState
from tests.webhooks.twilio.conftest import Twilio, find, verbs


def _hold_round(twilio: Twilio, wait_url: str) -> None:
    doc = twilio.twiml(wait_url, QueueSid="QU" + "0" * 32, QueuePosition="1")
    assert "Gather" in verbs(doc) or "Play" in verbs(doc)


def test_the_fallback_puts_the_caller_in_the_line_at_their_first_hold_round(
    twilio: Twilio,
) -> None:
    doc = twilio.twiml("/twilio/fallback", ErrorCode="11200", ErrorUrl="https://x/twilio/voice")

    assert verbs(doc) == ["Say", "Enqueue"]
    enqueue = find(doc, "Enqueue")
    assert enqueue.text == "support"
    assert urlsplit(enqueue.attrib["waitUrl"]).path == "/twilio/ivr/hold-wait"
    assert urlsplit(enqueue.attrib["action"]).path == "/twilio/ivr/queue-result"
    assert twilio.svc.held.held.by_sid(twilio.sid) is None

    _hold_round(twilio, enqueue.attrib["waitUrl"])

    caller = twilio.svc.held.held.by_sid(twilio.sid)
    assert caller is not None and caller.state is HeldState.HOLDING
    assert twilio.svc.held.held.holding("support") == 1


def test_a_step_that_fails_inside_holds_the_caller_in_the_line_too(twilio: Twilio) -> None:
    # A link naming a queue the config does not have fails inside: the apology, then hold in
    # the first queue's line, in the language the link asked for when that queue has it.
    doc = twilio.twiml("/twilio/ivr/offer?queue=gone&lang=en", Digits="1")

    enqueue = find(doc, "Enqueue")
    assert enqueue.text == "support"
    wait_url = enqueue.attrib["waitUrl"]
    assert "queue=support" in wait_url
    _hold_round(twilio, wait_url)
    assert twilio.svc.held.held.by_sid(twilio.sid) is not None
