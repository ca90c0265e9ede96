"""The abuse limits, counted in the database: number, IP, prefix, country and the breaker."""

from __future__ import annotations

from datetime import timedelta

from callback.store import make_engine
from callback.store.abuse import AbuseStore, Window
from tests.webhooks.api.conftest import PHONE, Api, as_json, form
from tests.webhooks.conftest import MONDAY_10


def _cancel(api: Api, response: object) -> None:
    url = response.json()["status_url"]  # type: ignore[attr-defined]
    assert api.client.delete(url).status_code == 200


def test_a_number_may_ask_three_times_a_day(api: Api) -> None:
    now = int(api.svc.clock().timestamp())
    for n in range(3):
        # A new timestamp each time: the same signature twice would be a replay.
        response = api.signed(as_json({"queue": "support", "phone": PHONE}), at=now - n)
        assert response.status_code in (200, 201)
        _cancel(api, response)
    fourth = api.signed(as_json({"queue": "support", "phone": PHONE, "name": "again"}))
    assert fourth.status_code == 429
    error = fourth.json()["error"]
    assert (error["code"], error["reason"], error["field"]) == ("rate_limited", "number", "phone")
    assert fourth.headers["Retry-After"] == str(24 * 3600)
    assert api.refusals() == {"rate_limited.number": 1}


def test_one_client_ip_may_ask_five_times_an_hour(api: Api) -> None:
    for n in range(5):
        assert api.web(form(f"+44 20 7946 04{n:02d}")).status_code == 201
    sixth = api.web(form("+44 20 7946 0499"))
    assert (sixth.status_code, sixth.json()["error"]["reason"]) == (429, "ip")
    assert sixth.headers["Retry-After"] == "3600"
    assert api.stored() == 5


def test_a_number_waiting_in_another_queue_is_refused(api: Api) -> None:
    assert api.web(form()).status_code == 201
    other = api.signed(as_json({"queue": "sales", "phone": PHONE}))
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "already_requested"


def test_windows_count_across_instances(db_url: str) -> None:
    engine = make_engine(db_url)
    first, second = AbuseStore(engine), AbuseStore(engine)
    window = Window("ip", "198.51.100.1", timedelta(hours=1), 2)
    assert first.admit([window], MONDAY_10) is None
    assert second.admit([window], MONDAY_10 + timedelta(minutes=10)) is None
    exceeded = first.admit([window], MONDAY_10 + timedelta(minutes=20))
    assert exceeded is not None and exceeded.retry_after == timedelta(minutes=40)
    assert second.admit([window], MONDAY_10 + timedelta(minutes=61)) is None
    engine.dispose()
