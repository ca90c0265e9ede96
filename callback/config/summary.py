"""A short human summary of a valid config, for `holdless config check`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import time
from itertools import groupby

from callback.config.durations import format_duration
from callback.config.model import SupervisorConfig
from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def week_summary(queue: QueueConfig) -> str:
    """Opening hours with equal consecutive days joined, e.g. "Mon-Fri 09:00-17:00, Sun closed"."""
    texts = [", ".join(map(str, queue.hours.on(day))) or "closed" for day in range(7)]
    parts = []
    for text, run in groupby(range(7), key=lambda day: texts[day]):
        days = list(run)
        first, last = _DAY_NAMES[days[0]], _DAY_NAMES[days[-1]]
        parts.append(f"{first if first == last else f'{first}-{last}'} {text}")
    return "; ".join(parts)


def _peak_agents(queue: QueueConfig) -> int:
    return max((entry.agents for day in range(7) for entry in queue.staffing.on(day)), default=0)


def _queue_line(name: str, queue: QueueConfig, policy: CallbackPolicy) -> str:
    title = queue.display_name or name
    facts = [
        ", ".join(queue.languages),
        f"{queue.time_zone} ({queue.region})",
        week_summary(queue),
        f"{len(queue.closures)} closure(s)",
        f"staffing up to {_peak_agents(queue)} agent(s)",
        f"callback offered above {format_duration(policy.offer_threshold)}",
        policy.dial_mode.value,
    ]
    return f'queue {name} "{title}": ' + "; ".join(facts)


def _agents_line(config: SupervisorConfig) -> str:
    kinds = Counter(agent.endpoint_kind.value for agent in config.agents)
    served = {queue for agent in config.agents for queue in agent.queues}
    unstaffed = sorted(set(config.queues) - served)
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    line = f"agents: {len(config.agents)}" + (f" ({by_kind})" if by_kind else "")
    return line + (f"; no agent serves {', '.join(unstaffed)}" if unstaffed else "")


def _policy_lines(config: SupervisorConfig) -> Iterator[str]:
    policy = config.callback_defaults
    backoff = "/".join(format_duration(wait) for wait in policy.backoff)
    yield (
        f"retries: {policy.max_attempts} attempts, backoff {backoff}, "
        f"retry window {format_duration(policy.retry_window)}, "
        f"expiry {format_duration(policy.expiry)}"
    )
    window = config.calling_window
    end = "24:00" if window.end == time(0) else f"{window.end:%H:%M}"
    yield f"calling window: {window.start:%H:%M}-{end} in the callee's local time"
    numbers = config.numbers
    regions = ", ".join(numbers.allowed_regions or ("any",))
    types = ", ".join(numbers.allowed_types or ("default",))
    yield (
        f"numbers: regions {regions}; types {types}; {len(numbers.blocked)} blocked, "
        f"{len(numbers.blocked_prefixes)} blocked prefix(es)"
    )


def _guard_lines(config: SupervisorConfig) -> Iterator[str]:
    abuse = config.abuse
    sms = "on" if abuse.sms_verification else "off"
    yield (
        f"abuse: {abuse.per_number_active} active and {abuse.per_number_per_day} a day per "
        f"number, {abuse.per_ip_per_hour} an hour per IP, captcha {abuse.captcha.provider}, "
        f"SMS verification {sms}"
    )
    keep = config.retention
    yield (
        f"retention: personal data {keep.personal_data_days} d, recordings "
        f"{keep.recordings_days} d, history {keep.history_days} d"
    )


def summarise(config: SupervisorConfig) -> list[str]:
    """One line per queue, then agents and the policy highlights."""
    lines = [f"service: {config.service.company}; numbers {', '.join(config.service.numbers)}"]
    for name, queue in config.queues.items():
        lines.append(_queue_line(name, queue, config.callback_policy(name)))
    lines.append(_agents_line(config))
    lines += _policy_lines(config)
    lines += _guard_lines(config)
    return lines
