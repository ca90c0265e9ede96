"""One POST, little work: every limit in one transaction, one estimate for promise and answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection, Engine, event

import callback.service.line
from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig
from callback.forecast import Forecast, Measured, forecast
from callback.inputs import LineInputs
from callback.store import make_engine
from callback.store.abuse import AbuseStore, Window
from callback.types import E164, QueueName
from tests.webhooks.api.conftest import Api, as_json, form
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.schemas import CallbackOut

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
IP = Window("ip", "198.51.100.1", HOUR, 5)
NUMBER = Window("number", "+442079460456", DAY, 2)
PREFIX = Window("prefix", "44207", HOUR, 100)


@pytest.fixture
def abuse(db_url: str) -> Iterator[AbuseStore]:
    engine = make_engine(db_url)
    yield AbuseStore(engine)
    engine.dispose()


def _counts(store: AbuseStore) -> tuple[int, int, int]:
    def counted(window: Window) -> int:
        return store.count(window.kind, window.key, MONDAY_10 - DAY, MONDAY_10 + HOUR)

    return counted(IP), counted(NUMBER), counted(PREFIX)


def test_admit_counts_the_request_in_every_window(abuse: AbuseStore) -> None:
    assert abuse.admit([IP, NUMBER, PREFIX], MONDAY_10) is None
    assert abuse.admit([IP, NUMBER, PREFIX], MONDAY_10 + timedelta(minutes=1)) is None
    assert _counts(abuse) == (2, 2, 2)


def test_the_first_full_window_refuses_and_nothing_is_counted(abuse: AbuseStore) -> None:
    for minute in range(2):
        assert abuse.admit([NUMBER], MONDAY_10 - timedelta(hours=3, minutes=minute)) is None
    exceeded = abuse.admit([IP, NUMBER, PREFIX], MONDAY_10)
    assert exceeded is not None and exceeded.window == NUMBER
    # The older of the two, counted 3 h 1 min ago, leaves the day's window first.
    assert exceeded.retry_after == timedelta(hours=20, minutes=59)
    assert _counts(abuse) == (0, 2, 0)


def test_a_window_counts_only_its_own_length(abuse: AbuseStore) -> None:
    for _ in range(5):
        assert abuse.admit([IP], MONDAY_10 - timedelta(minutes=61)) is None
    assert abuse.admit([IP, NUMBER], MONDAY_10) is None  # the five left the hour
    assert abuse.admit([NUMBER, IP], MONDAY_10) is None
    assert _counts(abuse) == (7, 2, 0)


def test_an_admission_reads_and_counts_in_one_transaction(abuse: AbuseStore) -> None:
    with abuse.admission() as admission:
        assert admission.active_elsewhere(E164("+442079460456"), QueueName("support")) == 0
        assert admission.admit([IP], MONDAY_10) is None
        # The admission sees its own count before it commits.
        assert admission.count(IP.kind, IP.key, MONDAY_10 - HOUR, MONDAY_10 + HOUR) == 1
    assert _counts(abuse) == (1, 0, 0)


def test_a_refusal_raised_inside_an_admission_counts_nothing(abuse: AbuseStore) -> None:
    with pytest.raises(LookupError), abuse.admission() as admission:
        assert admission.admit([IP, PREFIX], MONDAY_10) is None
        raise LookupError("refused after counting")
    assert _counts(abuse) == (0, 0, 0)


def _transactions(engine: Engine) -> list[Connection]:
    begun: list[Connection] = []
    event.listen(engine, "begin", begun.append)
    return begun


def test_a_web_request_in_line_costs_one_forecast_and_few_transactions(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    forecasts: list[int] = []  # the `ahead` of each forecast made

    def counted(
        queue: QueueConfig,
        policy: CallbackPolicy,
        line: LineInputs,
        measured: Measured,
        now: datetime,
    ) -> Forecast:
        forecasts.append(line.ahead)
        return forecast(queue, policy, line, measured, now)

    monkeypatch.setattr(callback.service.line, "forecast", counted)
    assert api.web(form("+44 20 7946 0457")).status_code == 201
    begun = _transactions(api.svc.store.engine)
    forecasts.clear()
    response = api.web(form())
    assert response.status_code == 201
    assert forecasts == [1]  # one ahead: the first request
    # The limits, the request, the retries due back ahead of it (issue 13), its promise and
    # its status token in one transaction (presence and measured figures cached).
    assert len(begun) == 1
    out = CallbackOut.model_validate_json(response.text)
    assert out.position == 2 and out.estimate is not None and out.promise is not None
    # The answer's estimate is the one the promise was made from.
    assert out.estimate.wait_seconds == out.promise.wait_seconds
    assert out.estimate.by == out.promise.by


def test_a_signed_request_adds_only_its_replay_check(api: Api) -> None:
    assert api.web(form("+44 20 7946 0457")).status_code == 201  # measured figures cached
    begun = _transactions(api.svc.store.engine)
    assert api.signed(as_json({"queue": "support", "phone": "020 7946 0456"})).status_code == 201
    assert len(begun) <= 3
