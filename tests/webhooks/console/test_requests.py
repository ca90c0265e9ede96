"""The request list and timeline: filters, masking, roles, and audited supervisor actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store import QueueStore
from callback.store.announcements import Told, told_request
from callback.store.request_sms import SmsKind, record_sms
from callback.types import Channel, RequestId, State
from tests.callback.store.support import LEASE, SALES, SUPPORT, claim_next, incoming, number
from tests.webhooks.console.support import Clock, csrf_of, records, sign_in

ROW = re.compile(r'<tr id="request-(\d+)"')


@pytest.fixture
def booked(console_engine: Engine, clock: Clock) -> list[RequestId]:
    """Three requests: support by web, support by SMS (cancelled), sales by IVR."""
    store = QueueStore(console_engine)
    first = store.enqueue(SUPPORT, number(1), incoming(0), clock.now).request.id
    second = store.enqueue(SUPPORT, number(2), incoming(1, channel=Channel.SMS), clock.now)
    store.transition(second.request.id, State.CANCELLED, clock.now)
    third = store.enqueue(SALES, number(3), incoming(2, channel=Channel.IVR), clock.now)
    return [first, second.request.id, third.request.id]


def _listed(client: TestClient, query: str = "") -> list[int]:
    return [int(found) for found in ROW.findall(client.get(f"/console/requests{query}").text)]


def _post(client: TestClient, path: str, **form: str) -> tuple[int, str]:
    token = csrf_of(client.get("/console/requests").text)
    answer = client.post(path, data={"csrf": token} | form, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", answer.text)


def test_the_list_filters_and_masks(client: TestClient, booked: list[RequestId]) -> None:
    sign_in(client, "sam")
    page = client.get("/console/requests").text
    assert _listed(client) == sorted(booked, reverse=True)
    assert "+44 ******* 01" in page
    assert number(1) not in page
    assert _listed(client, "?queue=sales") == [booked[2]]
    assert _listed(client, "?state=cancelled") == [booked[1]]
    assert _listed(client, "?channel=ivr") == [booked[2]]
    assert _listed(client, "?day=2026-03-02&queue=support") == [booked[1], booked[0]]
    assert _listed(client, "?day=2026-03-01") == []


def test_the_list_pages_by_key(client: TestClient, console_engine: Engine, clock: Clock) -> None:
    store = QueueStore(console_engine)
    ids = [store.enqueue(SUPPORT, number(n), incoming(n), clock.now).request.id for n in range(60)]
    sign_in(client, "sam")
    first = client.get("/console/requests?queue=support").text
    assert _listed(client, "?queue=support") == sorted(ids, reverse=True)[:50]
    older = re.search(r'href="(/console/requests\?[^"]+)" rel="next"', first)
    assert older is not None
    rest = [int(n) for n in ROW.findall(client.get(older[1].replace("&amp;", "&")).text)]
    assert rest == sorted(ids, reverse=True)[50:]


def test_an_agent_cannot_see_the_list(client: TestClient, booked: list[RequestId]) -> None:
    sign_in(client, "alice")
    assert client.get("/console/requests").status_code == 403
    assert client.get(f"/console/requests/{booked[0]}").status_code == 403


def test_a_viewer_sees_but_cannot_act(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "vera")
    page = client.get("/console/requests").text
    assert _listed(client) == sorted(booked, reverse=True)
    assert "/cancel" not in page
    assert client.get(f"/console/requests/{booked[0]}").status_code == 200
    for action in ("cancel", "move-up", "reveal", "reschedule"):
        status, _ = _post(client, f"/console/requests/{booked[0]}/{action}", at="2026-03-02T15:00")
        assert status == 403, action
    found = QueueStore(console_engine).get(booked[0])
    assert found is not None
    assert (found.state, found.priority) == (State.WAITING, 0)
    assert records(console_engine, "reveal") == records(console_engine, "cancel") == []


def test_a_supervisor_reveals_one_number_and_it_is_audited(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "sam")
    assert number(1) not in client.get(f"/console/requests/{booked[0]}").text
    status, page = _post(client, f"/console/requests/{booked[0]}/reveal")
    assert status == 200
    assert f'<dd id="number">{number(1)}</dd>' in page
    [record] = records(console_engine, "reveal")
    assert (record.actor, record.detail) == ("sam", f"request={booked[0]}")


def test_cancel_goes_through_the_cancel_rule_and_is_audited(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "sam")
    status, location = _post(
        client, f"/console/requests/{booked[0]}/cancel", back="/console/requests?queue=support"
    )
    assert (status, location) == (
        303,
        f"/console/requests?queue=support&done=cancel+%23{booked[0]}",
    )
    found = QueueStore(console_engine).get(booked[0])
    assert found is not None and found.state is State.CANCELLED
    [record] = records(console_engine, "cancel")
    assert (record.actor, record.detail) == ("sam", f"request={booked[0]} state=cancelled")


def test_a_finished_request_cannot_be_moved(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "sam")
    status, location = _post(
        client, f"/console/requests/{booked[1]}/move-up", back="//evil.example"
    )
    assert status == 303
    assert location.startswith("/console/requests?refused=")
    assert records(console_engine, "move-up") == []
    assert records(console_engine, "move-up-refused")[0].detail.startswith(f"request={booked[1]}")


def test_move_up_and_reschedule_change_the_line_and_are_audited(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "sam")
    assert _post(client, f"/console/requests/{booked[0]}/move-up")[0] == 303
    status, _ = _post(client, f"/console/requests/{booked[2]}/reschedule", at="2026-03-02T15:30")
    assert status == 303
    store = QueueStore(console_engine)
    moved, scheduled = store.get(booked[0]), store.get(booked[2])
    assert moved is not None and moved.priority == 1
    assert scheduled is not None and scheduled.state is State.SCHEDULED
    assert scheduled.due_at().isoformat() == "2026-03-02T15:30:00+00:00"
    assert records(console_engine, "move-up")[0].detail == f"request={booked[0]} priority=1"
    [record] = records(console_engine, "reschedule")
    assert record.detail == f"request={booked[2]} due=2026-03-02T15:30:00+00:00"


def test_times_are_shown_and_typed_on_the_queues_own_clock(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    # Support is on Europe/London: in April 15:30 there is 14:30 UTC (summer time). A time
    # read as UTC would call the customer an hour late.
    sign_in(client, "sam")
    _post(client, f"/console/requests/{booked[0]}/reschedule", at="2026-04-01T15:30")
    scheduled = QueueStore(console_engine).get(booked[0])
    assert scheduled is not None
    assert scheduled.due_at().isoformat() == "2026-04-01T14:30:00+00:00"
    assert "2026-04-01 15:30 BST" in client.get("/console/requests").text


def test_a_past_time_is_refused(
    client: TestClient, console_engine: Engine, booked: list[RequestId]
) -> None:
    sign_in(client, "sam")
    _, location = _post(client, f"/console/requests/{booked[0]}/reschedule", at="2026-03-02T09:00")
    assert "refused=the+new+time+has+passed" in location
    found = QueueStore(console_engine).get(booked[0])
    assert found is not None and found.state is State.WAITING


def test_the_timeline_shows_the_lifecycle(
    client: TestClient, console_engine: Engine, booked: list[RequestId], clock: Clock
) -> None:
    store = QueueStore(console_engine)
    claim = claim_next(store, SUPPORT, clock.now, LEASE)
    assert claim is not None and claim.request.id == booked[0]
    store.transition(booked[0], State.CONNECTED, clock.now)
    store.transition(booked[0], State.COMPLETED, clock.now)
    sign_in(client, "vera")
    page = client.get(f"/console/requests/{booked[0]}").text
    assert "requested" in page and "channel=web" in page
    assert "attempt 1: completed; answered by unknown" in page
    assert "Reached at 2026-03-02 10:00:00" in page
    assert number(1) not in page


def test_cancelling_a_request_being_dialled_is_refused_by_the_shared_rule(
    client: TestClient, console_engine: Engine, booked: list[RequestId], clock: Clock
) -> None:
    store = QueueStore(console_engine)
    claim = claim_next(store, SUPPORT, clock.now, LEASE)
    assert claim is not None and claim.request.id == booked[0]
    sign_in(client, "sam")
    status, location = _post(client, f"/console/requests/{booked[0]}/cancel")
    assert status == 303
    assert location == ("/console/requests?refused=a+dialing+request+can+no+longer+be+cancelled")
    found = store.get(booked[0])
    assert found is not None and found.state is State.DIALING
    [record] = records(console_engine, "cancel-refused")
    assert record.detail == f"request={booked[0]} a dialing request can no longer be cancelled"


def test_the_timeline_shows_the_texts_sent_about_the_request(
    client: TestClient, console_engine: Engine, booked: list[RequestId], clock: Clock
) -> None:
    with console_engine.begin() as connection:
        record_sms(connection, booked[0], SmsKind.CONFIRMATION, "SM" + "d" * 32, clock.now)
    sign_in(client, "vera")
    page = client.get(f"/console/requests/{booked[0]}").text
    assert "sms_confirmation" in page and "sid=SM" + "d" * 32 in page
    assert "sms_confirmation" not in client.get(f"/console/requests/{booked[2]}").text


def test_the_timeline_shows_positions_told_and_the_code_text_in_order(
    client: TestClient, console_engine: Engine, booked: list[RequestId], clock: Clock
) -> None:
    wait = timedelta(minutes=2)
    with console_engine.begin() as connection:
        record_sms(connection, booked[0], SmsKind.VERIFICATION, None, clock.now - wait)
        for later, ahead in ((0, 3), (1, 1)):
            when = clock.now + timedelta(minutes=later)
            told_request(connection, booked[0], Told(SUPPORT, "ivr", when, ahead, wait, wait, wait))
    sign_in(client, "vera")
    page = client.get(f"/console/requests/{booked[0]}").text
    code_text = page.index("sms_verification")
    first = page.index("position 4; wait 2 min (2 min-2 min); via ivr")
    second = page.index("position 2; wait 2 min (2 min-2 min); via ivr; moved up 2")
    assert code_text < first < second
    assert "code not shown" in page
    assert "announced" not in client.get(f"/console/requests/{booked[2]}").text
