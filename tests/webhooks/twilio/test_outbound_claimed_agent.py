"""A callback is bridged only to the agent claimed for it, even when its CallSid was never
attached to the attempt (the answer to the call's creation was lost).

Found by the chaos `kills` scenario: such calls were bridged to the first agent of the
queue, who was not held for them and was often talking to someone else already.
"""

from __future__ import annotations

from datetime import timedelta

from callback.store.dispatching import DispatchStore
from callback.store.records import Claim
from callback.types import AgentId, QueueName
from tests.callback.store.support import claim_next
from tests.webhooks.twilio.conftest import Twilio, action, verbs, waiting_request

SID = "CA" + "7" * 32


def _claimed_unattached(twilio: Twilio, agent: str) -> Claim:
    waiting_request(twilio)
    claim = claim_next(
        twilio.svc.store, QueueName("support"), twilio.clock(), timedelta(minutes=2), AgentId(agent)
    )
    assert claim is not None  # the create's answer is lost: no CallSid is attached
    return claim


def _press_1(twilio: Twilio, request_id: int) -> list[str]:
    answer = f"/twilio/ivr/answer?queue=support&lang=en&request={request_id}"
    menu = twilio.twiml(answer, CallSid=SID, AnsweredBy="human")
    bridge = twilio.twiml(action(menu), CallSid=SID, Digits="1")
    return [node.text or "" for node in bridge.iter("Sip")] + [
        node.text or "" for node in bridge.iter("Client")
    ]


def test_the_claimed_agent_is_rung_not_the_first_of_the_queue(twilio: Twilio) -> None:
    claim = _claimed_unattached(twilio, "boris")  # alice comes first in the roster

    rung = _press_1(twilio, claim.request.id)

    assert rung == ["sip:boris@pbx.example.com"]
    attempt = twilio.svc.calls.attempt_for(SID, claim.request.id)
    assert attempt is not None and attempt.agent_id == "boris"


def test_with_no_agent_held_for_the_call_nobody_is_rung(twilio: Twilio) -> None:
    claim = _claimed_unattached(twilio, "boris")
    # The lease sweep ended the attempt meanwhile (and freed boris for someone else).
    ended = DispatchStore(twilio.svc.store.engine).return_undialled(
        claim, "not_dialled", twilio.clock()
    )
    assert ended is not None

    menu = twilio.twiml(
        f"/twilio/ivr/answer?queue=support&lang=en&request={claim.request.id}",
        CallSid=SID,
        AnsweredBy="human",
    )
    bridge = twilio.twiml(action(menu), CallSid=SID, Digits="1")

    assert "Dial" not in verbs(bridge)
    assert verbs(bridge)[-1] == "Hangup"  # called again later: the request is back in line
