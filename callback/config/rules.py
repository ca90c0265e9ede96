"""Rules that span keys or tables, each reported at the key that has to change."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import time
from typing import TYPE_CHECKING

from callback.config.catalogue import REFERENCE, Catalogue, missing_keys, shipped, text_issues
from callback.config.fields import LANGUAGE_CODE, EndpointKind
from callback.config.issues import ConfigIssue, key_path
from callback.config.policy import CallbackPolicy
from callback.config.queue_rules import queue_issues
from callback.config.sections import PromptPack

if TYPE_CHECKING:
    from callback.config.model import SupervisorConfig


def _first_seen(values: Mapping[int, str]) -> Iterator[tuple[int, int]]:
    """(index, first index) for every value already seen at a lower index."""
    first: dict[str, int] = {}
    for index, value in values.items():
        seen = first.setdefault(value, index)
        if seen != index:
            yield index, seen


def policy_issues(policy: CallbackPolicy, where: Mapping[str, str]) -> Iterator[ConfigIssue]:
    """Retry settings that contradict each other; `where` names the table of each key."""
    if policy.backoff[0] > policy.retry_window:
        rule = "the first backoff is longer than retry_window, so no retry would ever be made"
        yield ConfigIssue(f"{where['backoff']}.backoff[0]", rule)
    if policy.retry_window > policy.expiry:
        rule = "retry_window is longer than expiry; requests would expire before it ends"
        yield ConfigIssue(f"{where['retry_window']}.retry_window", rule)


def callback_issues(config: SupervisorConfig) -> Iterator[ConfigIssue]:
    """The defaults, then each queue whose overrides touch the retry keys."""
    defaults = config.callback_defaults
    keys = ("backoff", "retry_window", "expiry")
    yield from policy_issues(defaults, dict.fromkeys(keys, "callback_defaults"))
    for name, queue in config.queues.items():
        given = queue.callback.given()
        if any(key in given for key in keys):
            own = key_path(("queues", name, "callback"))
            where = {key: own if key in given else "callback_defaults" for key in keys}
            yield from policy_issues(queue.callback.over(defaults), where)


def agent_issues(config: SupervisorConfig) -> Iterator[ConfigIssue]:
    """Agent ids and endpoints used twice, unknown queues, agents dialling our own numbers."""
    agents = config.agents
    for index, seen in _first_seen({i: agent.id for i, agent in enumerate(agents)}):
        yield ConfigIssue(f"agents[{index}].id", f"already used by agents[{seen}]")
    for index, seen in _first_seen({i: agent.endpoint for i, agent in enumerate(agents)}):
        yield ConfigIssue(f"agents[{index}].endpoint", f"already used by agents[{seen}]")
    for index, agent in enumerate(agents):
        for position, queue in enumerate(agent.queues):
            if queue not in config.queues:
                yield ConfigIssue(f"agents[{index}].queues[{position}]", f"no queue {queue!r}")
        phone = agent.endpoint_kind is EndpointKind.PHONE
        if phone and agent.endpoint in config.service.numbers:
            rule = "is one of the service numbers; an agent cannot be reached on it"
            yield ConfigIssue(f"agents[{index}].endpoint", rule)


def routing_issues(config: SupervisorConfig) -> Iterator[ConfigIssue]:
    """Queue numbers that are not our service numbers, or that two queues claim."""
    claimed: dict[str, str] = {}
    for name, queue in config.queues.items():
        for index, number in enumerate(queue.numbers):
            where = key_path(("queues", name, "numbers", index))
            if number not in config.service.numbers:
                yield ConfigIssue(where, "must be one of the numbers under [service] numbers")
            elif claimed.setdefault(number, name) != name:
                yield ConfigIssue(where, f"already answered by queue {claimed[number]!r}")


def number_issues(config: SupervisorConfig) -> Iterator[ConfigIssue]:
    """Allow-lists that would refuse every number, and queue regions they exclude."""
    numbers = config.numbers
    for key in ("allowed_regions", "allowed_types"):
        if getattr(numbers, key) == ():
            rule = "an empty list refuses every number; leave the key out to allow all"
            yield ConfigIssue(f"numbers.{key}", rule)
    allowed = numbers.allowed_regions
    for name, queue in config.queues.items():
        if allowed and queue.region not in allowed:
            rule = f"{queue.region} is not in numbers.allowed_regions, so local numbers would fail"
            yield ConfigIssue(key_path(("queues", name, "region")), rule)


def limit_issues(config: SupervisorConfig) -> Iterator[ConfigIssue]:
    """Calling window, abuse limits, captcha and retention rules."""
    window = config.calling_window
    if window.end != time(0) and window.end <= window.start:  # time(0) is "24:00"
        yield ConfigIssue("calling_window.end", "must be later than calling_window.start")
    abuse = config.abuse
    if abuse.per_number_per_day < abuse.per_number_active:
        yield ConfigIssue("abuse.per_number_per_day", "must be at least per_number_active")
    if abuse.captcha.provider != "none":
        for key in ("site_key", "secret_env"):
            if getattr(abuse.captcha, key) is None:
                rule = f"required when the captcha provider is {abuse.captcha.provider}"
                yield ConfigIssue(f"abuse.captcha.{key}", rule)
    retention = config.retention
    if retention.recordings_days > retention.personal_data_days:
        rule = "recordings are personal data: keep them no longer than personal_data_days"
        yield ConfigIssue("retention.recordings_days", rule)


def pack_issues(code: str, pack: PromptPack, catalogue: Catalogue) -> Iterator[ConfigIssue]:
    """A `[prompts.<lang>]` table: its texts, and what a language we do not ship must give."""
    where = ("prompts", code)
    if not LANGUAGE_CODE.fullmatch(code):
        yield ConfigIssue(key_path(where), "a language is a code like 'en', 'fa' or 'pt-BR'")
        return
    reference = catalogue.language(REFERENCE).prompts
    yield from text_issues(reference, pack.text, where)
    if code in shipped():
        return
    for key in ("name", "say_language"):
        if getattr(pack, key) is None:
            rule = f"required for a language that is not shipped ({', '.join(shipped())})"
            yield ConfigIssue(key_path((*where, key)), rule)
    missing = missing_keys(reference, pack.text)
    if missing:
        yield ConfigIssue(key_path(where), f"missing prompts: {', '.join(missing)}")


def config_issues(config: SupervisorConfig, catalogue: Catalogue) -> list[ConfigIssue]:
    """Every cross-key rule of a config whose tables are each valid on their own."""
    issues = [
        issue
        for name, queue in config.queues.items()
        for issue in queue_issues(name, queue, catalogue)
    ]
    issues += callback_issues(config)
    issues += agent_issues(config)
    issues += number_issues(config)
    issues += routing_issues(config)
    issues += limit_issues(config)
    for code, pack in config.prompts.items():
        issues += pack_issues(code, pack, catalogue)
    return issues
