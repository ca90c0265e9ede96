"""The config's tables turn into the domain objects the rest of Holdless uses."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from callback.calling_window import CallingWindow
from callback.config.issues import ConfigError
from callback.config.loader import load_config
from callback.config.model import SupervisorConfig
from callback.config.policy import CallbackPolicy, DialMode
from callback.hours import Interval
from callback.numbers import DEFAULT_ALLOWED_TYPES, NumberType
from callback.plan import StaffInterval
from callback.retry import RetryPolicy
from tests.callback.config.snippets import build, document
from tests.callback.config.test_loader import EXAMPLE

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def example() -> SupervisorConfig:
    return load_config(EXAMPLE)


def test_hours_and_closures_become_a_schedule(example: SupervisorConfig) -> None:
    schedule = example.queues["support"].schedule()
    assert schedule.tz == LONDON
    assert schedule.weekly[0] == (Interval(time(8), time(20)),)
    assert schedule.weekly[5] == (Interval(time(9), time(13)),)
    assert 6 not in schedule.weekly  # "sunday = []": closed
    christmas_eve = schedule.closure_on(date(2026, 12, 24))
    assert christmas_eve is not None
    assert christmas_eve.hours == (Interval(time(9), time(13)),)
    assert schedule.hours_on(date(2026, 12, 25)) == ()
    # Tuesday 2 June 2026, 07:30 UTC is 08:30 in London (BST).
    assert schedule.is_open(datetime(2026, 6, 2, 7, 30, tzinfo=UTC))


def test_staffing_becomes_a_staffing_plan(example: SupervisorConfig) -> None:
    plan = example.queues["support"].staffing_plan()
    assert plan.tz == LONDON
    assert plan.weekly[2] == (
        StaffInterval(time(8), time(10), 3),
        StaffInterval(time(10), time(16), 5),
        StaffInterval(time(16), time(20), 2),
    )
    assert plan.weekly[5] == (StaffInterval(time(9), time(13), 2),)
    assert plan.agents_at(datetime(2026, 6, 3, 10, 0, tzinfo=UTC)) == 5  # 11:00 BST


def test_staffing_may_run_to_midnight() -> None:
    config = build(
        'queues.support.hours.daily = ["00:00-24:00"]\n'
        'queues.support.staffing.daily = [{from = "18:00", to = "24:00", agents = 1}]'
    )
    assert config.queues["support"].staffing_plan().weekly[6] == (
        StaffInterval(time(18), time(0), 1),
    )


def test_each_queue_gets_its_retry_policy(example: SupervisorConfig) -> None:
    default_backoff = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
    assert example.retry_policy("sales") == RetryPolicy(
        max_attempts=2,
        backoff=default_backoff,
        retry_window=timedelta(hours=4),
        expiry=timedelta(hours=24),
        agent_retry_delay=timedelta(seconds=30),
    )
    assert example.retry_policy("support").max_attempts == 3


def test_queue_overrides_replace_defaults_key_by_key(example: SupervisorConfig) -> None:
    support = example.callback_policy("support")
    sales = example.callback_policy("sales")
    assert support.offer_threshold == timedelta(minutes=2)
    assert sales.offer_threshold == timedelta(minutes=3)
    assert sales.dial_mode is DialMode.AGENT_FIRST
    assert support.dial_mode is DialMode.CUSTOMER_FIRST
    assert example.callback_defaults == CallbackPolicy()


def test_number_policy_counts_service_and_agent_phones_as_our_own(
    example: SupervisorConfig,
) -> None:
    policy = example.number_policy()
    assert policy.own_numbers == {"+442079460000", "+3544101234", "+442079460123"}
    assert policy.allowed_regions == frozenset({"GB", "IE", "IS"})
    assert policy.allowed_types == DEFAULT_ALLOWED_TYPES
    assert policy.blocked == {"+442079460999"}
    assert policy.blocked_prefixes == ("+44909", "+44871")


def test_an_omitted_number_section_allows_any_region_and_the_default_types() -> None:
    policy = build().number_policy()
    assert policy.allowed_regions is None
    assert policy.allowed_types == DEFAULT_ALLOWED_TYPES
    narrowed = build('numbers.allowed_types = ["mobile"]').number_policy()
    assert narrowed.allowed_types == {NumberType.MOBILE}


def test_calling_window_becomes_the_domain_window(example: SupervisorConfig) -> None:
    assert example.calling_window_policy() == CallingWindow(time(8), time(21))
    custom = build('calling_window = {start = "09:30", end = "20:00"}')
    assert custom.calling_window_policy() == CallingWindow(time(9, 30), time(20))


def test_a_calling_window_ending_at_24_00_runs_to_the_end_of_the_day() -> None:
    allday = build('calling_window = {start = "00:00", end = "24:00"}')
    window = allday.calling_window_policy()
    assert window == CallingWindow(time(0), time.max)
    assert window.contains(time(23, 59, 59)) and window.contains(time(0))
    again = SupervisorConfig.model_validate(allday.model_dump(by_alias=True))
    assert again.calling_window_policy() == window
    with pytest.raises(ConfigError, match="24:00"):
        build('calling_window = {start = "08:00", end = "00:00"}')


def test_reason_labels_fall_back_to_the_default_label(example: SupervisorConfig) -> None:
    billing = example.queues["support"].reasons["1"]
    assert billing.label_for("ru") == "оплата и счета"
    assert billing.label_for("en") == "billing"
    assert billing.skill == "billing"


def test_the_config_is_immutable(example: SupervisorConfig) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        example.agents = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        example.queues["extra"] = example.queues["support"]  # type: ignore[index]


def test_building_the_model_directly_enforces_the_cross_key_rules() -> None:
    broken = document('calling_window = {start = "22:00", end = "06:00"}')
    with pytest.raises(ConfigError) as caught:
        SupervisorConfig.model_validate(broken)
    assert [issue.location for issue in caught.value.issues] == ["calling_window.end"]


def test_a_dumped_config_validates_back_to_the_same_config(example: SupervisorConfig) -> None:
    again = SupervisorConfig.model_validate(example.model_dump(by_alias=True))
    assert again == example


def test_the_example_loads_from_any_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(EXAMPLE).catalogue.language("fa").direction == "rtl"
