"""A small supervisor config and the call contexts the IVR tests build documents for."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from callback.config.loader import validate_document
from callback.config.model import SupervisorConfig
from ivr.call import QueueCall

CONFIG = """
[service]
company = "Example Energy"
numbers = ["+44 20 7946 0000"]

[queues.support]
display_name = "Customer support"
languages = ["en", "ru"]
time_zone = "Europe/London"
region = "GB"
hours.weekdays = ["08:00-20:00"]
hours.saturday = ["09:00-13:00"]
staffing.weekdays = [{ from = "08:00", to = "20:00", agents = 3 }]
callback.offer_threshold = "2m"

[queues.support.reasons]
1 = { label = "billing", labels = { ru = "оплата и счета" } }
2 = { label = "a fault or power cut", labels = { ru = "неисправность или отключение" } }

[[queues.support.closures]]
date = 2026-12-25
reason = "Christmas Day"

[[queues.support.closures]]
date = 2026-12-24
reason = "Christmas Eve"
hours = ["09:00-13:00"]

[queues.sales]
display_name = "Sales"
languages = ["is", "fa", "en"]
time_zone = "Atlantic/Reykjavik"
region = "IS"
hours.weekdays = ["09:00-17:00"]
staffing.weekdays = [{ from = "09:00", to = "17:00", agents = 2 }]
"""

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
"""A Tuesday at noon; London is on GMT until the end of March, so 12:00 local."""


@pytest.fixture(scope="session")
def config() -> SupervisorConfig:
    return validate_document(tomllib.loads(CONFIG), "ivr-test.toml")


@pytest.fixture
def support(config: SupervisorConfig) -> QueueCall:
    return QueueCall.of(config, "support")


@pytest.fixture
def support_ru(config: SupervisorConfig) -> QueueCall:
    return QueueCall.of(config, "support", "ru")


@pytest.fixture
def sales(config: SupervisorConfig) -> QueueCall:
    return QueueCall.of(config, "sales")
