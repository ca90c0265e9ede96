"""A caller apologised into the live queue (a webhook failed) still holds in the one line.

Found by the chaos `kills` scenario: a caller whose webhook broke when an instance was
killed got Twilio's fallback, whose `<Enqueue>` had no waitUrl; no hold round ever ran, so
the caller never joined the line and no agent was ever offered them.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from callback.store.held_line import HeldState, claim, head
from callback.types import AgentId, QueueName
from ivr.links import Link, Step
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
    assert twilio.svc.held.held.holding(QueueName("support")) == 1


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


def _claimed(twilio: Twilio, *, answered: bool, connect: bool = True) -> Link:
    """A caller on hold claimed for an agent, dequeued, the agent rung (and answered)."""
    twilio.twiml("/twilio/ivr/hold-wait?queue=support&lang=en", QueueSid="QU" + "0" * 32)
    now = twilio.clock()
    with twilio.svc.store.engine.begin() as connection:
        row = head(connection, QueueName("support"))
        assert row is not None
        claimed = claim(connection, row, AgentId("alice"), now, timedelta(seconds=30))
    assert claimed is not None
    caller = claimed.caller
    if not connect:
        return Link(Step.CONNECT, "support", "en", request=caller.id, fence=caller.fence)
    assert twilio.svc.held.connect(caller.id, caller.fence, twilio.sid, now) is not None
    if answered:
        assert twilio.svc.held.answered(caller.id, caller.fence, now)
    return Link(Step.CONNECTED, "support", "en", request=caller.id, fence=caller.fence)


def _fallback_for(twilio: Twilio, failed: Link) -> ElementTree.Element:
    error_url = "https://calls.example.com" + failed.relative()
    return twilio.twiml("/twilio/fallback", ErrorCode="11200", ErrorUrl=error_url)


def test_a_served_caller_whose_dial_end_was_lost_is_not_put_on_hold_again(twilio: Twilio) -> None:
    # Found by the chaos `kills` scenario: the Dial's action broke when its instance was
    # killed; the fallback held the caller again after their conversation, stuck as bridged.
    failed = _claimed(twilio, answered=True)

    doc = _fallback_for(twilio, failed)

    assert "Enqueue" not in verbs(doc)
    caller = twilio.svc.held.held.by_sid(twilio.sid)
    assert caller is not None and caller.state is HeldState.SERVED


def test_a_caller_whose_agent_never_answered_goes_back_to_their_place(twilio: Twilio) -> None:
    failed = _claimed(twilio, answered=False)
    place = twilio.svc.held.held.by_sid(twilio.sid)

    doc = _fallback_for(twilio, failed)

    assert "queue-result" in find(doc, "Enqueue").attrib["action"]
    back = twilio.svc.held.held.by_sid(twilio.sid)
    assert place is not None and back is not None
    assert back.state is HeldState.RETURNING
    assert (back.id, back.virtual_start) == (place.id, place.virtual_start)


def test_a_failed_wait_url_gets_music_not_a_second_enqueue(twilio: Twilio) -> None:
    # Twilio allows no `<Enqueue>` in a waitUrl: the caller keeps their place and hears music.
    doc = _fallback_for(twilio, Link(Step.HOLD_WAIT, "support", "en"))
    assert verbs(doc) == ["Play"]


def test_a_failed_whisper_to_the_agent_bridges_rather_than_enqueues_the_agent(
    twilio: Twilio,
) -> None:
    for step in (Step.LIVE_WHISPER, Step.WHISPER):
        doc = _fallback_for(twilio, Link(step, "support", "en", request=1, fence=1))
        assert verbs(doc) == []


def _connect_link(connected: Link) -> Link:
    return Link(Step.CONNECT, "support", "en", request=connected.request, fence=connected.fence)


def test_a_lost_connect_step_frees_the_agent_and_holds_the_caller_at_their_place(
    twilio: Twilio,
) -> None:
    # Found by the chaos `kills` scenario (CI, 2026-12-08): the connect step committed
    # "connecting" on an instance killed before it answered; the fallback held the caller
    # again, and the sweep renewed the offer forever (the call was in progress), so the
    # caller waited behind an offer that never ended and the agent was never freed.
    failed = _connect_link(_claimed(twilio, answered=False))
    place = twilio.svc.held.held.by_sid(twilio.sid)

    doc = _fallback_for(twilio, failed)

    assert verbs(doc) == ["Say", "Enqueue"]
    back = twilio.svc.held.held.by_sid(twilio.sid)
    assert place is not None and back is not None
    assert back.state is HeldState.RETURNING
    assert (back.id, back.virtual_start) == (place.id, place.virtual_start)
    assert twilio.svc.held.held.offered_agent(back) is None  # the offer ended: agent free
    _hold_round(twilio, find(doc, "Enqueue").attrib["waitUrl"])
    again = twilio.svc.held.held.by_sid(twilio.sid)
    assert again is not None and again.state is HeldState.HOLDING


def test_a_connect_step_that_never_ran_releases_the_offer_too(twilio: Twilio) -> None:
    failed = _claimed(twilio, answered=False, connect=False)

    _fallback_for(twilio, failed)

    back = twilio.svc.held.held.by_sid(twilio.sid)
    assert back is not None and back.state is HeldState.RETURNING


def test_a_stale_connect_fallback_leaves_a_newer_offer_alone(twilio: Twilio) -> None:
    failed = _connect_link(_claimed(twilio, answered=False))
    stale = Link(
        Step.CONNECT, "support", "en", request=failed.request, fence=(failed.fence or 0) - 1
    )

    doc = _fallback_for(twilio, stale)

    assert "Enqueue" in verbs(doc)
    caller = twilio.svc.held.held.by_sid(twilio.sid)
    assert caller is not None and caller.state is HeldState.CONNECTING


def test_an_answered_caller_is_not_released_by_a_late_connect_fallback(twilio: Twilio) -> None:
    failed = _connect_link(_claimed(twilio, answered=True))

    _fallback_for(twilio, failed)

    caller = twilio.svc.held.held.by_sid(twilio.sid)
    assert caller is not None and caller.state is HeldState.BRIDGED
