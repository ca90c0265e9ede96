"""The surge breaker counts every web request already admitted, whatever clock it read."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from callback.config.abuse import AbuseConfig
from callback.service.admission import ALL, WEB, breaker_open
from callback.store.abuse import AbuseStore, Window
from tests.webhooks.conftest import MONDAY_10


def test_requests_stamped_a_moment_after_now_trip_the_breaker(engine: Engine) -> None:
    store, config = AbuseStore(engine), AbuseConfig()
    web = Window(WEB, ALL, timedelta(hours=1), 10**9)
    # Admitted by concurrent requests (or another instance) that read the clock a little later.
    for n in range(config.breaker.min_requests):
        assert store.admit([web], MONDAY_10 + timedelta(milliseconds=n + 1)) is None
    assert breaker_open(config, store, MONDAY_10)
