"""The `today` figures of `GET /api/v1/queues`: in the supervisor's view and its OpenAPI
entry, never in the customer's view."""

from __future__ import annotations

from tests.webhooks.api.conftest import PHONE, SUPERVISOR_KEY, Api
from webhooks.api.openapi import document
from webhooks.queue_views import QueuesFullOut

URL = "/api/v1/queues"
FIGURES = {
    "since",
    "served_from_hold",
    "callbacks_completed",
    "abandoned",
    "abandoned_on_hold",
    "callbacks_unserved",
    "voicemails",
    "average_wait_seconds",
    "longest_wait_seconds",
    "from_hold",
    "callbacks",
    "promises_kept",
    "promises_broken",
    "booked",
}


def test_the_supervisor_sees_todays_figures_and_the_customer_does_not(api: Api) -> None:
    assert api.web({"queue": "support", "phone": PHONE, "fill_ms": 9000}).status_code == 201
    full = api.client.get(URL, headers={"Authorization": f"Bearer {SUPERVISOR_KEY}"})
    today = QueuesFullOut.model_validate_json(full.text).queues["support"].today
    assert today.booked == {"web": 1}
    assert full.json()["queues"]["sales"]["today"]["booked"] == {}
    assert "today" not in api.client.get(URL).text


def test_the_openapi_document_describes_every_figure() -> None:
    schemas = document()["components"]["schemas"]
    today = schemas["QueueTodayOut"]
    assert set(today["properties"]) == FIGURES
    assert set(today["required"]) == FIGURES
    assert today["additionalProperties"] is False
    assert schemas["QueueFullOut"]["properties"]["today"] == {
        "$ref": "#/components/schemas/QueueTodayOut"
    }
    assert "today" not in schemas["QueuePublicOut"]["properties"]
