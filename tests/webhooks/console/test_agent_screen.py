"""The agent's screen: the person offered or on the call, the live stream, wrap-up notes with
a disposition (audited, ending wrap-up), and one agent kept out of another's call."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.dispatch import Budget, Eligible, Limit
from callback.store import QueueStore
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.held import HeldStore, Joining
from callback.store.held_history import HeldCallerNotes
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.users import Role, UserStore
from callback.store.wrap_up import OfferKind, WrapUpStore
from callback.types import AgentId, Channel
from settings import Settings
from tests.callback.store.support import LEASE, SALES, SUPPORT, at, claim_next, incoming, number
from tests.webhooks.console.support import (
    PASSWORD,
    Clock,
    csrf_of,
    quick_passwords,
    records,
    sign_in,
)
from tests.webhooks.live import on_free_port, served
from webhooks.app import create_app

ALICE, BORIS = AgentId("alice"), AgentId("boris")
STREAM = "/console/me/stream"


@pytest.fixture
def boris(console_engine: Engine) -> None:
    """A second agent user, tied to the roster agent boris."""
    hashed = quick_passwords().hash(PASSWORD)
    UserStore(console_engine).add("boris", Role.AGENT, "boris", hashed, at(0))


def _offer_to(engine: Engine, agent: AgentId, n: int, **data: object) -> tuple[int, int]:
    """A callback booked from number `n` and claimed for `agent`: (attempt id, request id)."""
    store = QueueStore(engine)
    booked = incoming(0, name=data.pop("name", None), **data)  # type: ignore[arg-type]
    store.enqueue(SUPPORT, number(n), booked, at(0))
    claim = claim_next(store, SUPPORT, at(1), LEASE, agent)
    assert claim is not None
    return claim.attempt_id, claim.request.id


def _ended(engine: Engine, agent: AgentId, attempt: int) -> None:
    """The call ended connected and the dispatcher put the agent in wrap-up."""
    store = QueueStore(engine)
    assert store.finish_attempt(attempt, 1, "connected", at(5))
    presence = PresenceStore(engine)
    [offer] = [o for o in presence.ended_offers() if o.agent_id == agent]
    assert presence.finish_offer(offer, AgentStatus.WRAP_UP, at(5), unanswered=0, until=at(600))


def test_the_agent_sees_the_person_offered_to_them_with_their_history(
    client: TestClient, console_engine: Engine
) -> None:
    store = QueueStore(console_engine)
    earlier = store.enqueue(SALES, number(1), incoming(0, channel=Channel.IVR), at(0)).request
    _offer_to(
        console_engine,
        ALICE,
        1,
        name="Ada <b>Lovelace</b>",
        reason="billing",
        page="https://energy.example/tariffs",
        order="A-17",
        note="call me on 020 7946 0999",
    )
    sign_in(client, "alice")
    page = client.get("/console/").text
    assert 'data-phase="offered"' in page and "Offered to you now · callback" in page
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in page  # autoescaped
    assert "+44 ******* 01" in page and number(1) not in page
    assert "billing" in page and "https://energy.example/tariffs" in page
    assert "<dt>order</dt><dd>A-17</dd>" in page
    assert "0999" not in page  # a number in a context value is masked too
    assert f"<td>#{earlier.id}</td>" in page
    assert '<script src="/console/static/agent.js" defer></script>' in page
    assert 'action="/console/me/wrap-up"' not in page  # no notes while the call is offered


def test_an_agent_with_nothing_offered_sees_an_empty_line(client: TestClient) -> None:
    sign_in(client, "alice")
    page = client.get("/console/me/party").text
    assert 'data-phase="none"' in page and "Nobody on your line" in page
    assert "<html" not in page  # a fragment the script swaps in


def test_agent_a_never_sees_agent_b_s_party(
    client: TestClient, console_engine: Engine, boris: None
) -> None:
    _offer_to(console_engine, BORIS, 2, name="Grace Hopper")
    sign_in(client, "alice")
    for path in ("/console/", "/console/me/party"):
        assert "Grace Hopper" not in client.get(path).text
    client.cookies.clear()
    sign_in(client, "boris")
    assert "Grace Hopper" in client.get("/console/me/party").text


def _wrap_form(client: TestClient, **fields: str) -> dict[str, str]:
    token = csrf_of(client.get("/console/").text)
    return {"csrf": token, "kind": "callback", "disposition": "resolved", "notes": "ok"} | fields


def test_wrap_up_stores_the_note_ends_wrap_up_and_is_audited(
    client: TestClient, console_engine: Engine
) -> None:
    attempt, request_id = _offer_to(console_engine, ALICE, 1, name="Ada")
    _ended(console_engine, ALICE, attempt)
    sign_in(client, "alice")
    page = client.get("/console/").text
    assert 'data-phase="ended"' in page and 'action="/console/me/wrap-up"' in page
    assert '<option value="follow_up">' in page  # the configured codes
    form = _wrap_form(client, offer=str(attempt), disposition="follow_up", notes="New meter")
    answer = client.post("/console/me/wrap-up", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/?wrapped=1"
    note = WrapUpStore(console_engine).for_offer(OfferKind.CALLBACK, attempt)
    assert note is not None
    assert (note.author, note.request_id, note.disposition, note.notes) == (
        "alice",
        request_id,
        "follow_up",
        "New meter",
    )
    presence = PresenceStore(console_engine).get(ALICE)
    assert presence is not None and presence.status is AgentStatus.AVAILABLE
    [record] = records(console_engine, "wrap-up")
    assert (record.actor, record.detail) == (
        "alice",
        f"agent=alice callback={attempt} disposition=follow_up",
    )
    after = client.get("/console/?wrapped=1").text
    assert "Wrap-up saved." in after and 'data-phase="none"' in after
    again = client.post("/console/me/wrap-up", data=form, follow_redirects=False)
    assert again.status_code == 409  # nothing on the screen any more


def test_agent_a_cannot_post_agent_b_s_wrap_up(
    client: TestClient, console_engine: Engine, boris: None
) -> None:
    theirs, _ = _offer_to(console_engine, BORIS, 2)
    _ended(console_engine, BORIS, theirs)
    sign_in(client, "alice")
    form = _wrap_form(client, offer=str(theirs))
    answer = client.post("/console/me/wrap-up", data=form, follow_redirects=False)
    assert answer.status_code == 409
    assert "that call is not the one on your screen" in answer.text
    assert WrapUpStore(console_engine).for_offer(OfferKind.CALLBACK, theirs) is None
    presence = PresenceStore(console_engine).get(BORIS)
    assert presence is not None and presence.status is AgentStatus.WRAP_UP
    assert [r.detail for r in records(console_engine, "wrap-up-refused")] == [
        "agent=alice that call is not the one on your screen"
    ]


@pytest.mark.parametrize(
    ("fields", "status", "rule"),
    [
        ({"disposition": "sold"}, 422, "disposition: one of the configured codes"),
        ({"notes": "x" * 4001}, 422, "notes: at most 4000 characters"),
        ({"kind": "held"}, 409, "that call is not the one on your screen"),
    ],
)
def test_a_wrap_up_breaking_a_rule_is_refused_and_stores_nothing(
    client: TestClient,
    console_engine: Engine,
    fields: dict[str, str],
    status: int,
    rule: str,
) -> None:
    attempt, _ = _offer_to(console_engine, ALICE, 1)
    _ended(console_engine, ALICE, attempt)
    sign_in(client, "alice")
    form = _wrap_form(client, offer=str(attempt), **fields)
    answer = client.post("/console/me/wrap-up", data=form)
    assert answer.status_code == status and rule in answer.text
    assert WrapUpStore(console_engine).for_offer(OfferKind.CALLBACK, attempt) is None


def test_no_wrap_up_while_the_call_is_going(client: TestClient, console_engine: Engine) -> None:
    attempt, _ = _offer_to(console_engine, ALICE, 1)
    sign_in(client, "alice")
    answer = client.post("/console/me/wrap-up", data=_wrap_form(client, offer=str(attempt)))
    assert answer.status_code == 409 and "the call is still going" in answer.text


def test_wrap_up_needs_the_csrf_token(client: TestClient, console_engine: Engine) -> None:
    attempt, _ = _offer_to(console_engine, ALICE, 1)
    _ended(console_engine, ALICE, attempt)
    sign_in(client, "alice")
    form = _wrap_form(client, offer=str(attempt)) | {"csrf": "forged"}
    assert client.post("/console/me/wrap-up", data=form).status_code == 403
    assert WrapUpStore(console_engine).for_offer(OfferKind.CALLBACK, attempt) is None


@pytest.mark.parametrize("path", ["/console/me/party", STREAM])
@pytest.mark.parametrize(("name", "status"), [("sam", 403), ("vera", 403), (None, 303)])
def test_the_screen_is_for_agents_only(
    client: TestClient, path: str, name: str | None, status: int
) -> None:
    if name is not None:
        sign_in(client, name)
    assert client.get(path, follow_redirects=False).status_code == status


@pytest.fixture
def live(settings: Settings, clock: Clock, console_engine: Engine) -> Iterator[str]:
    """The app served over TCP by uvicorn, as `holdless serve` serves it."""
    on_port = on_free_port(settings)
    with served(create_app(on_port, clock=clock, ticker=False), on_port) as url:
        yield url


def _changes(lines: Iterator[str]) -> Iterator[list[object]]:
    for line in lines:
        if line.startswith("data: "):
            found: list[object] = json.loads(line.removeprefix("data: "))
            yield found


def test_the_stream_tells_the_screen_when_a_callback_is_offered(
    live: str, console_engine: Engine
) -> None:
    with httpx.Client(base_url=live, timeout=httpx.Timeout(10.0)) as http:
        token = csrf_of(http.get("/console/sign-in").text)
        http.post("/console/sign-in", data={"csrf": token, "name": "alice", "password": PASSWORD})
        with http.stream("GET", STREAM) as answer:
            assert answer.headers["content-type"].startswith("text/event-stream")
            changes = _changes(answer.iter_lines())
            assert next(changes) == ["offline", None, None, None, None, False]
            attempt, _ = _offer_to(console_engine, ALICE, 1)
            assert next(changes) == ["busy", "callback", attempt, "offered", False, False]


def test_the_screen_speaks_persian_right_to_left(
    client: TestClient, console_engine: Engine
) -> None:
    attempt, _ = _offer_to(console_engine, ALICE, 1, name="Ada")
    _ended(console_engine, ALICE, attempt)
    sign_in(client, "alice")
    page = client.get("/console/?lang=fa").text
    assert '<html lang="fa" dir="rtl">' in page
    assert "تماس پایان یافت: جمع\u200cبندی · تماس برگشتی" in page
    assert "ذخیره و پایان جمع\u200cبندی" in page


def test_a_caller_on_hold_offered_to_the_agent_is_shown_without_a_number(
    client: TestClient, console_engine: Engine
) -> None:
    caller = HeldStore(console_engine).join(
        Joining("CA" + "4e" * 16, SUPPORT, "QU" + "1" * 32, "is", 0, at(0)), at(0)
    )
    CallStore(console_engine).note(caller.call_sid, "reason", "outage", at(0))
    presence = PresenceStore(console_engine)
    presence.sync_roster([ALICE], at(0))
    assert presence.set_status(ALICE, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, at(0), "t")

    def no_callbacks(_snapshot: object) -> Budget:
        return Budget(0, Limit.RESERVED_FOR_LIVE)

    wanted = Offer(SUPPORT, ALICE, (ALICE,), LEASE, lambda _r, _d: Eligible(), no_callbacks, True)
    claim = DispatchStore(console_engine).offer(wanted, at(1)).held
    assert claim is not None
    sign_in(client, "alice")
    page = client.get("/console/me/party").text
    assert 'data-kind="held"' in page and "Offered to you now · caller on hold" in page
    assert '<dd id="party-reason">outage</dd>' in page and "<dd>is</dd>" in page
    assert "not known yet" in page and 'id="party-number"' not in page
    earlier = QueueStore(console_engine).enqueue(SALES, number(3), incoming(0), at(0)).request
    assert HeldCallerNotes(console_engine).note(caller.id, claim.caller.fence, number(3), at(1))
    page = client.get("/console/me/party").text
    assert '<dd id="party-number">+44 ******* 03</dd>' in page and "not known yet" not in page
    assert f"<td>#{earlier.id}</td>" in page
