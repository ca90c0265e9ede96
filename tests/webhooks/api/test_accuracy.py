"""The booking's promise is kept beside the wait, and the supervisor's `GET /api/v1/queues`
shows each queue's accuracy today under its own key."""

from __future__ import annotations

from math import sqrt

import pytest
from sqlalchemy import select

from callback.store.announcements import ANNOUNCEMENT
from callback.store.engine import read_transaction
from tests.callback.store.accuracy_history import history
from tests.webhooks.api.conftest import OTHER, SUPERVISOR_KEY, Api, form
from webhooks.api.openapi import document
from webhooks.api.schemas import CallbackOut
from webhooks.queue_views import QueuesFullOut

URL = "/api/v1/queues"
SUPERVISOR = {"Authorization": f"Bearer {SUPERVISOR_KEY}"}
_n = ANNOUNCEMENT.c


def test_a_booking_keeps_what_it_promised_and_a_merge_is_not_the_first(api: Api) -> None:
    api.web(form(OTHER))
    out = CallbackOut.model_validate_json(api.web(form()).text)
    again = CallbackOut.model_validate_json(api.web(form(name="Ann")).text)
    assert again.merged and again.id == out.id
    query = select(_n.request_id, _n.source, _n.ahead, _n.wait_s, _n.promise_by, _n.is_first)
    with read_transaction(api.svc.store.engine) as connection:
        rows = connection.execute(query.where(_n.request_id == out.id).order_by(_n.id)).all()
    assert out.promise is not None and out.position == 2
    request, source, ahead, wait, by, first = rows[0]
    assert (request, source, ahead, round(wait), by, first) == (
        out.id,
        "web",
        1,
        out.promise.wait_seconds,
        out.promise.by,
        True,
    )
    assert [row.is_first for row in rows] == [True, False]


def test_the_supervisor_sees_today_s_accuracy_per_queue(api: Api) -> None:
    history(api.svc.store)
    response = api.client.get(URL, headers=SUPERVISOR)
    assert response.status_code == 200
    body = QueuesFullOut.model_validate_json(response.text)
    support = body.queues["support"].estimate_accuracy
    assert support.since.isoformat() == "2026-03-02T00:00:00+00:00"  # London's midnight
    first, every = support.first, support.every
    assert (first.count, first.gave_up, first.promises_judged, first.ranges_judged) == (3, 2, 3, 2)
    assert first.bias_seconds == pytest.approx(70)
    assert first.rmse_seconds == pytest.approx(sqrt(6300))
    assert first.promises_kept == pytest.approx(2 / 3)
    assert first.inside_range == pytest.approx(1 / 2)
    assert (every.count, every.bias_seconds, every.rmse_seconds) == (4, 67.5, 75.0)
    # The sales callback: told 60 s (30-90) at 09:01, reached at 09:02:30, promised by 09:03.
    sales = body.queues["sales"].estimate_accuracy.first
    assert (sales.count, sales.bias_seconds, sales.inside_range, sales.promises_kept) == (
        1,
        30.0,
        1.0,
        1.0,
    )


def test_the_customer_never_sees_the_accuracy(api: Api) -> None:
    history(api.svc.store)
    response = api.client.get(URL)
    assert response.status_code == 200
    assert "estimate_accuracy" not in response.text
    assert "bias_seconds" not in response.text


def test_the_openapi_document_describes_the_accuracy_key() -> None:
    schemas = document()["components"]["schemas"]
    full = schemas["QueueFullOut"]
    assert "estimate_accuracy" in full["required"]
    assert set(schemas["EstimateAccuracyOut"]["required"]) == {"since", "first", "every"}
    fields = set(schemas["AccuracyOut"]["properties"])
    assert {"bias_seconds", "rmse_seconds", "promises_kept", "inside_range", "count"} <= fields
