"""POST, GET and DELETE of callback requests through the public API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from callback.types import E164, QueueName, RequestId, State
from tests.callback.store.support import claim_next
from tests.webhooks.api.conftest import OTHER, PHONE, Api, as_json, form
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.schemas import CallbackOut, ErrorBody, StatusOut

PUBLIC = "http://127.0.0.1:8000"
"""The settings' default public base URL, which the test app keeps."""


def test_a_widget_request_is_stored_with_its_place_promise_and_private_link(api: Api) -> None:
    response = api.web(form(name="Ann Lee", reason="bill too high", context={"page": "/bills"}))
    assert response.status_code == 201
    out = CallbackOut.model_validate_json(response.text)
    assert (out.queue, out.state, out.position, out.merged) == ("support", "waiting", 1, False)
    assert out.estimate is not None and out.promise is not None
    assert out.promise.low_seconds <= out.promise.wait_seconds <= out.promise.high_seconds
    # The clock-time promise is the wait rounded up to a time a person can repeat.
    promised = out.promise.by - MONDAY_10
    assert timedelta(seconds=out.promise.wait_seconds) <= promised < timedelta(minutes=10)
    assert out.status_url.startswith(f"{PUBLIC}/api/v1/callbacks/")
    stored = api.svc.store.get(RequestId(out.id))
    assert stored is not None and stored.number == "+442079460456" and stored.name == "Ann Lee"
    assert stored.contexts[0].data == {"client": "www", "page": "/bills", "reason": "bill too high"}
    assert stored.channel == "web"


def test_the_token_is_stored_only_as_its_hash(api: Api) -> None:
    out = CallbackOut.model_validate_json(api.web(form()).text)
    token = out.status_url.rsplit("/", 1)[1]
    assert len(token) >= 43
    with api.svc.store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_sha256 FROM status_token").scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_a_second_request_from_the_same_number_merges(api: Api) -> None:
    first = CallbackOut.model_validate_json(api.web(form()).text)
    again = api.web(form("020 7946 0456", name="Ann"))
    assert again.status_code == 200
    second = CallbackOut.model_validate_json(again.text)
    assert (second.id, second.merged, second.position) == (first.id, True, 1)
    assert second.status_url != first.status_url
    assert api.stored() == 1


def test_the_status_link_shows_the_place_and_the_estimate(api: Api) -> None:
    api.web(form(OTHER))
    out = CallbackOut.model_validate_json(api.web(form()).text)
    status = api.client.get(out.status_url)
    assert status.status_code == 200
    seen = StatusOut.model_validate_json(status.text)
    assert (seen.id, seen.state, seen.position) == (out.id, "waiting", 2)
    assert seen.estimate is not None


def test_cancelling_by_the_link_takes_the_request_out_of_line(api: Api) -> None:
    out = CallbackOut.model_validate_json(api.web(form()).text)
    cancelled = api.client.delete(out.status_url)
    assert cancelled.status_code == 200
    assert StatusOut.model_validate_json(cancelled.text).state == "cancelled"
    assert api.client.delete(out.status_url).status_code == 200  # idempotent
    assert api.svc.store.active_for(QueueName("support"), E164("+442079460456")) is None


def test_a_request_being_dialled_cannot_be_cancelled(api: Api) -> None:
    out = CallbackOut.model_validate_json(api.web(form()).text)
    claim = claim_next(api.svc.store, QueueName("support"), MONDAY_10, timedelta(minutes=2))
    assert claim is not None and claim.request.id == out.id
    refused = api.client.delete(out.status_url)
    assert refused.status_code == 409
    assert ErrorBody.model_validate_json(refused.text).error.code == "not_cancellable"
    still = api.svc.store.get(RequestId(out.id))
    assert still is not None and still.state is State.DIALING


def test_an_unknown_token_is_not_found(api: Api) -> None:
    for method in ("GET", "DELETE"):
        response = api.client.request(method, "/api/v1/callbacks/not-a-real-token")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_signed_app_request_is_stored_on_the_app_channel(api: Api) -> None:
    response = api.signed(as_json({"queue": "support", "phone": PHONE}))
    assert response.status_code == 201
    stored = api.svc.store.get(RequestId(CallbackOut.model_validate_json(response.text).id))
    assert stored is not None and stored.channel == "app"


def test_a_slot_can_be_booked(api: Api) -> None:
    slots = api.client.get("/api/v1/queues/support/slots?date=2026-03-02").json()["slots"]
    start = slots[0]["start"]
    response = api.web(form(preferred_time=start))
    assert response.status_code == 201
    out = CallbackOut.model_validate_json(response.text)
    assert out.slot is not None and out.slot.start.isoformat().replace("+00:00", "Z") == start
    assert (out.state, out.position, out.promise) == ("scheduled", None, None)


def test_the_status_link_is_on_the_public_base_url_whatever_the_host_header(api: Api) -> None:
    # A client (or a proxy) that names another host must not get a link to that host.
    spoofed = api.web(form(), Host="evil.example", **{"X-Forwarded-Host": "evil.example"})
    assert spoofed.status_code == 201
    url = CallbackOut.model_validate_json(spoofed.text).status_url
    assert url.startswith(f"{PUBLIC}/api/v1/callbacks/") and "evil" not in url
    assert api.client.get(url).status_code == 200
