"""Running TwiML on a leg: fetch a document, run its verbs, follow where they lead.

Like Twilio, a document that runs out of verbs ends the call, a verb's `action` fetches
the next document, and a relative URL is resolved against the document it came from.
An app that answers with an error or unreadable TwiML is a bug the simulation reports:
strictly by raising (tests), or as Twilio would, through the fallback URL or an
apology and a hang-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urljoin

from callback.carrier import API_VERSION, CallStatus, Direction
from devtools.carrier.clock import CarrierError
from devtools.carrier.context import Sim
from devtools.carrier.leg import Ended, EndReason, Fetch, HungUp, Leg, Next, Redirected
from devtools.carrier.profiles import Behaviour, Pickup, pickup
from devtools.carrier.records import DocContext
from devtools.carrier.twiml import TwimlError, Verb, parse_twiml

HTTP_RETRIEVAL_FAILURE = 11200
DOCUMENT_PARSE_FAILURE = 12100
MAX_IDLE_DOCUMENTS = 50
"""Documents in a row that take no time before the simulation calls it a loop."""
_UNANSWERED: Mapping[Pickup, CallStatus] = MappingProxyType(
    {
        Pickup.BUSY: CallStatus.BUSY,
        Pickup.FAILED: CallStatus.FAILED,
        Pickup.NO_ANSWER: CallStatus.NO_ANSWER,
    }
)


@dataclass(frozen=True, slots=True)
class Document:
    """A TwiML document and the URL it came from (relative URLs resolve against it)."""

    verbs: tuple[Verb, ...]
    url: str


def resolve(base: str, ref: str) -> str:
    """`ref` made absolute against the document URL `base`."""
    return urljoin(base, ref)


def call_params(sim: Sim, leg: Leg) -> dict[str, str]:
    """The parameters Twilio sends with every request about a call."""
    params = {
        "CallSid": leg.sid,
        "AccountSid": sim.account_sid,
        "From": leg.from_,
        "To": leg.to,
        "Caller": leg.from_,
        "Called": leg.to,
        "CallStatus": str(leg.status),
        "Direction": str(leg.direction),
        "ApiVersion": API_VERSION,
    }
    if leg.parent_sid is not None:
        params["ParentCallSid"] = leg.parent_sid
    if leg.amd_in_params and leg.answered_by is not None:
        params["AnsweredBy"] = str(leg.answered_by)
    return params


async def pause(sim: Sim, leg: Leg, seconds: float) -> bool:
    """Let `seconds` pass on `leg`; True when an interrupt cut it short.

    A party with limited patience (`gives_up_at`) hangs up when it runs out.
    """
    if leg.interrupt is not None:
        return True
    limit = seconds
    if leg.gives_up_at is not None:
        limit = min(limit, max(0.0, (leg.gives_up_at - sim.clock.now()).total_seconds()))
    if limit > 0:
        await sim.clock.sleep(limit, leg.alarm)
    out_of_patience = leg.gives_up_at is not None and sim.clock.now() >= leg.gives_up_at
    if leg.interrupt is None and out_of_patience:
        leg.interrupt = HungUp(by_party=True)
    return leg.interrupt is not None


async def ring(sim: Sim, waiting: Leg, who: Behaviour, timeout: float) -> CallStatus | None:
    """Ring `who` while `waiting` waits; None when they answer, else how the call ended.

    An interrupt on `waiting` (a hang-up, a REST cancel) makes it `canceled`.
    """
    outcome = pickup(who, sim.rng, timeout)
    waits = {
        Pickup.ANSWER: who.ring_seconds,
        Pickup.BUSY: sim.timing.busy_seconds,
        Pickup.FAILED: 0.0,
        Pickup.NO_ANSWER: timeout,
    }
    if await pause(sim, waiting, waits[outcome]):
        return CallStatus.CANCELED
    return _UNANSWERED.get(outcome)


def take_interrupt(leg: Leg) -> Fetch | Ended | None:
    """Where an interrupt sends the leg: the end, or a redirect (which it consumes)."""
    interrupt = leg.interrupt
    if isinstance(interrupt, HungUp):
        reason = EndReason.PARTY_HUNG_UP if interrupt.by_party else EndReason.REMOTE
        return Ended(reason, interrupt.status)
    if isinstance(interrupt, Redirected):
        leg.interrupt = None
        return interrupt.fetch
    return None


def report_problem(sim: Sim, problem: str) -> None:
    """Note an app misbehaviour; in strict mode, stop the simulation with it."""
    sim.app_errors.append(problem)
    if sim.strict:
        raise CarrierError(problem)


async def notify(sim: Sim, leg: Leg, fetch: Fetch) -> None:
    """A request whose answer Twilio ignores (status callbacks, actions after a hang-up)."""
    params = {**call_params(sim, leg), **fetch.params}
    await post(sim, fetch.url, params, method=fetch.method, call_sid=leg.sid)


async def post(
    sim: Sim, url: str, params: Mapping[str, str], *, method: str, call_sid: str | None
) -> None:
    """Send a callback; an error answer is a problem (the app must answer callbacks 2xx)."""
    reply = await sim.hooks.send(url, params, method=method, call_sid=call_sid)
    if not reply.ok:
        report_problem(sim, f"HTTP {reply.status} from callback {url}")


async def load(
    sim: Sim, leg: Leg, fetch: Fetch, context: DocContext = DocContext.CALL
) -> Document | Ended:
    """Fetch the next document for `leg`, to run in `context`."""
    params = {**call_params(sim, leg), **fetch.params}
    reply = await sim.hooks.send(
        fetch.url, params, method=fetch.method, call_sid=leg.sid, context=context
    )
    if not reply.ok:
        problem = f"HTTP {reply.status} from {fetch.url}: {reply.body[:200]}"
        return await _app_error(sim, leg, fetch, problem, HTTP_RETRIEVAL_FAILURE)
    try:
        return Document(parse_twiml(reply.body), fetch.url)
    except TwimlError as exc:
        return await _app_error(sim, leg, fetch, f"{exc} from {fetch.url}", DOCUMENT_PARSE_FAILURE)


async def inline(sim: Sim, leg: Leg, twiml: str) -> Document | Ended:
    """A document given inline (`Twiml` on call creation)."""
    try:
        return Document(parse_twiml(twiml), "")
    except TwimlError as exc:
        return await _app_error(sim, leg, Fetch(""), f"inline TwiML: {exc}", DOCUMENT_PARSE_FAILURE)


async def _app_error(sim: Sim, leg: Leg, fetch: Fetch, problem: str, code: int) -> Document | Ended:
    report_problem(sim, problem)
    fallback = sim.urls.fallback
    if fallback and fetch.url != fallback and leg.direction is Direction.INBOUND:
        params = {"ErrorCode": str(code), "ErrorUrl": fetch.url}
        return await load(sim, leg, Fetch(fallback, "POST", params))
    leg.hear(sim.clock.now(), "Say", "An application error has occurred.")
    return Ended(EndReason.APP_ERROR)


def unsupported(sim: Sim, leg: Leg, verb: Verb) -> Next:
    """A verb the simulation does not play: a problem, then skipped."""
    leg.hear(sim.clock.now(), "Unsupported", verb.name)
    report_problem(sim, f"the simulated carrier cannot play <{verb.name}>")
    return None


async def run_verb(sim: Sim, leg: Leg, verb: Verb, url: str) -> Next:
    """Run one verb through the simulation's verb table."""
    executor = sim.verbs.get(verb.name)
    if executor is None:
        return unsupported(sim, leg, verb)
    return await executor(sim, leg, verb, url)


async def run_verbs(sim: Sim, leg: Leg, doc: Document) -> Fetch | Ended:
    """Run a document's verbs until one leads elsewhere, an interrupt, or the end."""
    for verb in doc.verbs:
        step = await run_verb(sim, leg, verb, doc.url)
        interrupted = take_interrupt(leg)
        if interrupted is not None:
            return interrupted
        if step is not None:
            return step
    return Ended(EndReason.DOCUMENT_DONE)


async def run_call(
    sim: Sim, leg: Leg, start: Fetch | Document, context: DocContext = DocContext.CALL
) -> Ended:
    """Run TwiML on `leg` from `start`, in `context`, until the call's TwiML is over."""
    step: Fetch | Document = start
    idle_documents = 0
    while True:
        before = sim.clock.now()
        doc = await load(sim, leg, step, context) if isinstance(step, Fetch) else step
        if isinstance(doc, Ended):
            return doc
        _answer_inbound(sim, leg, doc)
        after = await run_verbs(sim, leg, doc)
        if isinstance(after, Ended):
            return after
        idle_documents = idle_documents + 1 if sim.clock.now() == before else 0
        if idle_documents > MAX_IDLE_DOCUMENTS:
            report_problem(sim, f"TwiML loops without anything happening, at {after.url}")
            return Ended(EndReason.APP_ERROR)
        step = after


def _answer_inbound(sim: Sim, leg: Leg, doc: Document) -> None:
    # Twilio picks up an inbound call unless the first verb is <Reject>.
    if leg.status is not CallStatus.RINGING or leg.direction is not Direction.INBOUND:
        return
    if not doc.verbs or doc.verbs[0].name != "Reject":
        sim.set_status(leg, CallStatus.IN_PROGRESS)
