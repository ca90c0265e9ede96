"""Each rule of the file, broken alone, is reported once at the key that must change."""

import pytest

from tests.callback.config.snippets import build, issues

TWO_AGENTS = """
[[agents]]
id = "alice"
name = "Alice"
endpoint = "client:alice"
queues = ["support"]

[[agents]]
id = "{second_id}"
name = "Boris"
endpoint = "{second_endpoint}"
queues = ["support"]
"""


def agents(second_id: str = "boris", second_endpoint: str = "client:boris") -> str:
    return TWO_AGENTS.format(second_id=second_id, second_endpoint=second_endpoint)


def closure(day: str, hours: str = "[]") -> str:
    return f'[[queues.support.closures]]\ndate = {day}\nreason = "Holiday"\nhours = {hours}\n'


CASES = [
    # [service]
    ('service.numbers = ["020 7946 0000"]', "service.numbers[0]", "starting with '+'"),
    ('service.numbers = ["+44 20 7946"]', "service.numbers[0]", "not a valid phone number"),
    ("service.numbers = []", "service.numbers", "at least 1 item"),
    ('service.company = ""', "service.company", "at least 1 character"),
    ('service.support_url = "ftp://example.com"', "service.support_url", "URL scheme"),
    ("service.colour = 1", "service.colour", "unknown key"),
    # [queues.<name>]
    ('queues.support.time_zone = "Mars/Olympus"', "queues.support.time_zone", "unknown time"),
    ('queues.support.region = "XX"', "queues.support.region", "unknown region 'XX'"),
    ("queues.support.languages = []", "queues.support.languages", "at least 1 item"),
    ('queues.support.languages = ["EN"]', "queues.support.languages[0]", "a language is a code"),
    ('queues.support.languages = ["en", "de"]', "queues.support.languages[1]", "no prompts for"),
    ('queues.support.languages = ["ru", "ru"]', "queues.support.languages[1]", "listed twice"),
    ("queues.support.priority = 1000", "queues.support.priority", "less than or equal to 100"),
    ('queues.support.wrap_up = "-5s"', "queues.support.wrap_up", "a duration is"),
    ("queues.support.survey = 3", "queues.support.survey", "valid boolean"),
    ('queues.support.owner = "x"', "queues.support.owner", "unknown key"),
    (
        '[queues."Support Desk"]\ntime_zone = "UTC"\nregion = "GB"\nhours.daily = ["00:00-24:00"]',
        'queues."Support Desk"',
        "a queue name is",
    ),
    # hours
    (
        'queues.support.hours.monday = ["09:00-12:00", "11:00-13:00"]',
        "queues.support.hours.monday[1]",
        "overlaps 09:00-12:00 at [0]",
    ),
    ('queues.support.hours.monday = ["17:00-09:00"]', "queues.support.hours.monday[0]", "split"),
    ('queues.support.hours.friday = ["09:00-24:30"]', "queues.support.hours.friday[0]", "HH:MM"),
    ('queues.support.hours.friday = ["22:00-00:00"]', "queues.support.hours.friday[0]", "24:00"),
    ('queues.support.hours.funday = ["09:00-12:00"]', "queues.support.hours.funday", "unknown key"),
    ("queues.support.hours.weekdays = []", "queues.support.hours", "never open"),
    # closures
    (
        closure("2026-12-25") + closure("2026-12-25"),
        "queues.support.closures[1].date",
        "already listed at closures[0]",
    ),
    (
        closure("2026-12-24", '["09:00-13:00", "12:00-14:00"]'),
        "queues.support.closures[0].hours[1]",
        "overlaps 09:00-13:00",
    ),
    (closure('"2026-02-30"'), "queues.support.closures[0].date", "valid date"),
    (
        '[[queues.support.closures]]\ndate = 2026-12-25\nday = "Friday"',
        "queues.support.closures[0].day",
        "unknown key",
    ),
    # staffing
    (
        'queues.support.staffing.monday = [{from = "12:00", to = "09:00", agents = 2}]',
        "queues.support.staffing.monday[0].to",
        "must be after from (12:00)",
    ),
    (
        "queues.support.staffing.weekdays = ["
        '{from = "09:00", to = "13:00", agents = 2}, {from = "12:00", to = "17:00", agents = 3}]',
        "queues.support.staffing.weekdays[1]",
        "overlaps 09:00-13:00",
    ),
    (
        'queues.support.staffing.monday = [{from = "09:00", to = "12:00", agents = -1}]',
        "queues.support.staffing.monday[0].agents",
        "greater than or equal to 0",
    ),
    (
        'queues.support.staffing.monday = [{from = "09:00", to = "12:00"}]',
        "queues.support.staffing.monday[0].agents",
        "required key is missing",
    ),
    (
        'queues.support.staffing.weekdays = [{from = "9am", to = "12:00", agents = 1}]',
        "queues.support.staffing.weekdays[0].from",
        "HH:MM",
    ),
    # reasons menu
    ('queues.support.reasons.0 = {label = "x"}', "queues.support.reasons.0", "one digit"),
    ('queues.support.reasons.1 = {skill = "x"}', "queues.support.reasons.1.label", "missing"),
    (
        'queues.support.reasons.1 = {label = "billing", labels = {fa = "x"}}',
        "queues.support.reasons.1.labels.fa",
        "not one of the queue's languages",
    ),
    # [callback_defaults] and queue overrides
    ("callback_defaults.backoff = []", "callback_defaults.backoff", "at least 1 item"),
    ('callback_defaults.backoff = ["5m", 0]', "callback_defaults.backoff[1]", "at least 1s"),
    ('callback_defaults.backoff = ["5h"]', "callback_defaults.backoff[0]", "longer than retry"),
    (
        'queues.support.callback.retry_window = "2d"',
        "queues.support.callback.retry_window",
        "longer than expiry",
    ),
    (
        'queues.support.callback.backoff = ["6h"]',
        "queues.support.callback.backoff[0]",
        "longer than retry_window",
    ),
    ('callback_defaults.dial_mode = "robot"', "callback_defaults.dial_mode", "'agent_first'"),
    ("callback_defaults.max_attempts = 0", "callback_defaults.max_attempts", "greater than"),
    ('callback_defaults.slot_capacity = "lots"', "callback_defaults.slot_capacity", "'auto'"),
    ('callback_defaults.ring_timeout = "2s"', "callback_defaults.ring_timeout", "at least 5s"),
    ('callback_defaults.ring_timeout = "11m"', "callback_defaults.ring_timeout", "at most 10m"),
    ("callback_defaults.offer_threshold = 1.5", "callback_defaults.offer_threshold", "duration"),
    ("callback_defaults.turbo = true", "callback_defaults.turbo", "unknown key"),
    (
        'queues.support.callback.slot_length = "1m"',
        "queues.support.callback.slot_length",
        "at least 5m",
    ),
    # [[agents]]
    (
        '[[agents]]\nid = "alice"\nname = "Alice"\nendpoint = "client:alice"\nqueues = ["billing"]',
        "agents[0].queues[0]",
        "no queue 'billing'",
    ),
    (agents(second_id="alice"), "agents[1].id", "already used by agents[0]"),
    (agents(second_id="bo ris"), "agents[1].id", "an agent id is"),
    (agents(second_endpoint="client:alice"), "agents[1].endpoint", "already used by agents[0]"),
    (agents(second_endpoint="sip:nohost"), "agents[1].endpoint", "'sip:user@host'"),
    (agents(second_endpoint="07700 900123"), "agents[1].endpoint", "an endpoint is"),
    (agents(second_endpoint="+44 20 7946 0000"), "agents[1].endpoint", "service numbers"),
    (
        '[[agents]]\nid = "a"\nname = "A"\nendpoint = "client:a"\nqueues = []',
        "agents[0].queues",
        "at least 1 item",
    ),
    # [numbers]
    ("numbers.allowed_regions = []", "numbers.allowed_regions", "refuses every number"),
    ("numbers.allowed_types = []", "numbers.allowed_types", "refuses every number"),
    ('numbers.allowed_regions = ["ZZ"]', "numbers.allowed_regions[0]", "unknown region"),
    ('numbers.allowed_regions = ["IE"]', "queues.support.region", "not in numbers.allowed"),
    ('numbers.allowed_types = ["fax"]', "numbers.allowed_types[0]", "'premium_rate'"),
    ('numbers.blocked = ["12"]', "numbers.blocked[0]", "starting with '+'"),
    ('numbers.blocked_prefixes = ["44909"]', "numbers.blocked_prefixes[0]", "'+' and digits"),
    # [calling_window]
    (
        'calling_window.start = "21:00"\ncalling_window.end = "08:00"',
        "calling_window.end",
        "later than calling_window.start",
    ),
    ('calling_window.start = "8am"', "calling_window.start", "HH:MM"),
    # [abuse]
    ("abuse.per_number_active = 0", "abuse.per_number_active", "greater than or equal to 1"),
    (
        "abuse.per_number_active = 2\nabuse.per_number_per_day = 1",
        "abuse.per_number_per_day",
        "at least per_number_active",
    ),
    (
        'abuse.captcha = {provider = "turnstile", site_key = "0x4AAA"}',
        "abuse.captcha.secret_env",
        "required when the captcha provider is turnstile",
    ),
    ('abuse.captcha.secret = "s3cr3t"', "abuse.captcha.secret", "secrets never go in this file"),
    ('abuse.captcha.secret_env = "my secret"', "abuse.captcha.secret_env", "environment"),
    ('abuse.captcha.provider = "recaptcha"', "abuse.captcha.provider", "'hcaptcha'"),
    ("abuse.breaker.factor = 1", "abuse.breaker.factor", "greater than 1"),
    ('abuse.breaker.window = "10s"', "abuse.breaker.window", "at least 1m"),
    ('abuse.honeypot_field = "Web Site"', "abuse.honeypot_field", "a form field name"),
    # [retention]
    ("retention.recordings_days = 90", "retention.recordings_days", "no longer than personal"),
    ("retention.personal_data_days = 0", "retention.personal_data_days", "greater than"),
    ('retention.purge_interval = "10s"', "retention.purge_interval", "at least 1m"),
    # [prompts.<lang>]
    ('prompts.ru.greeting = "Здравствуйте, {firm}."', "prompts.ru.greeting", "{company}"),
    ('prompts.ru.nonsense = "x"', "prompts.ru.nonsense", "unknown prompt key"),
    ('prompts.ru.greeting = "{company"', "prompts.ru.greeting", "unbalanced braces"),
    ('prompts.ru.greeting = "{0}"', "prompts.ru.greeting", "plain names"),
    ('prompts.ru.greeting = "{company.secret}"', "prompts.ru.greeting", "plain names"),
    ('prompts.ru.greeting = " "', "prompts.ru.greeting", "cannot be empty"),
    ("prompts.ru.greeting = 5", "prompts.ru", "greeting: a prompt is text"),
    ('prompts.ru.direction = "up"', "prompts.ru.direction", "'rtl'"),
    ('prompts.EN.greeting = "Hi {company}"', "prompts.EN", "a language is a code"),
    (
        '[prompts.de]\nname = "Deutsch"\nsay_language = "de-DE"\ngreeting = "Danke, {company}."',
        "prompts.de",
        "missing prompts: agent_whisper, agent_whisper_brief, apology_error",
    ),
]


@pytest.mark.parametrize(("snippet", "location", "rule"), CASES)
def test_each_rule_is_reported_once_at_its_key(snippet: str, location: str, rule: str) -> None:
    found = issues(snippet)
    assert [where for where, _ in found] == [location], found
    assert rule in found[0][1]


def test_the_minimal_file_is_valid_and_takes_the_defaults() -> None:
    config = build()
    assert config.queues["support"].languages == ("en",)
    assert config.callback_defaults.max_attempts == 3
    assert config.calling_window.start.hour == 8
    assert config.agents == ()


def test_every_issue_of_a_file_is_reported_not_just_the_first() -> None:
    found = issues(
        'service.numbers = ["123"]\nqueues.support.region = "XX"\ncalling_window.end = "9pm"'
    )
    assert [where for where, _ in found] == [
        "service.numbers[0]",
        "queues.support.region",
        "calling_window.end",
    ]


def test_cross_key_issues_are_all_reported_together() -> None:
    snippet = "retention.recordings_days = 90\n" + agents(second_id="alice")
    found = issues(snippet)
    assert [where for where, _ in found] == ["agents[1].id", "retention.recordings_days"]


def test_a_queue_override_is_checked_against_the_defaults_it_keeps() -> None:
    # The queue shortens only expiry; the default retry window (4h) is then too long.
    found = issues('queues.support.callback.expiry = "1h"')
    assert found == [
        (
            "callback_defaults.retry_window",
            "retry_window is longer than expiry; requests would expire before it ends",
        )
    ]


def test_a_new_language_with_every_prompt_is_accepted() -> None:
    english = build().catalogue.language("en").prompts
    lines = [f"{key} = {text!r}" for key, text in english.items()]
    snippet = '[prompts.xx]\nname = "Test"\nsay_language = "en-US"\n' + "\n".join(lines)
    config = build(snippet + '\n[queues.support]\nlanguages = ["en", "xx"]')
    assert config.catalogue.language("xx").say_language == "en-US"
    assert (
        config.catalogue.render("xx", "greeting", company="Acme") == "Thank you for calling Acme."
    )


def test_a_new_language_names_what_it_lacks() -> None:
    found = issues('[prompts.de]\nsay_language = "de-DE"\ngreeting = "Danke, {company}."')
    assert [where for where, _ in found] == ["prompts.de.name", "prompts.de"]
    assert "not shipped" in found[0][1]
    missing = found[1][1].removeprefix("missing prompts: ").split(", ")
    assert missing[:3] == ["agent_whisper", "agent_whisper_brief", "apology_error"]
    assert "goodbye" in missing
    assert "greeting" not in missing
