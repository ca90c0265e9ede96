"""Queue estimate and slots, a closed queue's answer, the abuse view and the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.routing import Mount, Route

from tests.webhooks.api.conftest import SUPERVISOR_KEY, Api, form
from webhooks.api.openapi import OPERATIONS, document
from webhooks.api.routes import api_routes
from webhooks.api.schemas import QueueEstimateOut, SlotsOut

ESTIMATE = "/api/v1/queues/support/estimate"
SUNDAY_NOON = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # the support queue is closed on Sundays


def test_an_open_queue_tells_its_wait(api: Api) -> None:
    response = api.client.get("/api/v1/queues/support/estimate")
    out = QueueEstimateOut.model_validate_json(response.text)
    assert (out.open, out.accepting, out.next_opening) == (True, True, None)
    assert out.estimate is not None and out.closes_at is not None
    assert out.position == 1  # nobody in line yet


def test_the_estimate_carries_the_place_booking_would_take(api: Api) -> None:
    assert api.web(form()).status_code == 201
    quoted = api.client.get("/api/v1/queues/support/estimate").json()
    booked = api.web(form("020 7946 0457"))
    assert booked.status_code == 201
    assert quoted["position"] == booked.json()["position"] == 2


def test_a_closed_queue_quotes_the_place_at_its_opening(make_client: Any) -> None:
    closed = Api(make_client(clock=lambda: SUNDAY_NOON))
    out = QueueEstimateOut.model_validate_json(closed.client.get(ESTIMATE).text)
    assert (out.open, out.position) == (False, 1)
    assert out.estimate is not None and out.estimate.by > datetime(2026, 3, 9, 8, tzinfo=UTC)


def test_slots_of_a_day_have_room_and_follow_the_hours(api: Api) -> None:
    out = SlotsOut.model_validate_json(
        api.client.get("/api/v1/queues/support/slots?date=2026-03-02").text
    )
    assert out.slots and all(slot.remaining and slot.remaining > 0 for slot in out.slots)
    assert out.slots[0].start > datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert out.slots[-1].end <= datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    sunday = api.client.get("/api/v1/queues/support/slots?date=2026-03-08").json()
    assert sunday["slots"] == []


@pytest.mark.parametrize("query", ["", "?date=tomorrow", "?date=20260302", "?date=2026-02-30"])
def test_a_bad_date_is_refused(api: Api, query: str) -> None:
    response = api.client.get(f"/api/v1/queues/support/slots{query}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "date"


def test_an_unknown_queue_is_not_found(api: Api) -> None:
    for path in ("estimate", "slots?date=2026-03-02"):
        response = api.client.get(f"/api/v1/queues/billing/{path}")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_queue")


def test_a_closed_queue_refuses_asap_and_offers_the_next_slots(api: Api, make_client: Any) -> None:
    closed = Api(make_client(clock=lambda: SUNDAY_NOON))
    response = closed.web(form())
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("queue_closed", "preferred_time")
    assert error["next_slots"][0]["start"] == "2026-03-09T08:00:00Z"
    assert closed.stored() == 0
    booked = closed.web(form(preferred_time=error["next_slots"][0]["start"]))
    assert booked.status_code == 201


def test_a_slot_that_does_not_exist_is_refused(api: Api) -> None:
    response = api.web(form(preferred_time="2026-03-02T10:07:00Z"))
    assert response.json()["error"]["code"] == "slot_unavailable"
    assert response.json()["error"]["next_slots"]
    assert api.stored() == 0


def test_the_supervisor_sees_refusals_by_reason(api: Api) -> None:
    api.web(form("999"))
    assert api.client.get("/api/v1/abuse").status_code == 401
    wrong = api.client.get("/api/v1/abuse", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["field"] == "Authorization"
    seen = api.client.get("/api/v1/abuse", headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    assert [(r["reason"], r["count"]) for r in seen.json()["refusals"]] == [
        ("invalid_number.emergency_or_short_code", 1)
    ]


def test_the_openapi_document_lists_every_route_and_model(api: Api) -> None:
    served = api.client.get("/api/v1/openapi.json").json()
    assert served == document()
    assert served["openapi"] == "3.1.0"
    mount = api_routes()[0]
    assert isinstance(mount, Mount)
    routed = {
        (f"/api/v1{route.path}", method.lower())
        for route in mount.routes
        if isinstance(route, Route) and route.methods
        for method in route.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in served["paths"].items() for method in item}
    assert documented | {("/api/v1/openapi.json", "get")} == routed
    assert len(OPERATIONS) == len(documented)
    refs = {ref.rsplit("/", 1)[1] for ref in _refs(served)}
    assert refs <= set(served["components"]["schemas"])
    assert {"CallbackIn", "CallbackOut", "ErrorBody"} <= refs
    estimate = served["components"]["schemas"]["QueueEstimateOut"]
    assert "position" in estimate["required"] and "position" in estimate["properties"]


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
