"""The chaos runs' supervisor config and the credentials shared by instances and stand-in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

API_SECRET_ENV = "HOLDLESS_CHAOS_API_SECRET"  # noqa: S105  # a variable name, not a secret
"""The instances read the chaos API key's secret from this variable."""
API_KEY_ID = "chaos"
QUEUE = "support"
SERVICE_NUMBER = "+442079460000"
LEASE_SECONDS = 30
DIAL_RATE_PER_MINUTE = 600
"""The highest dial rate the config allows: the queue's cap on dials, whatever the instances."""
"""The shortest lease the config allows: stranded claims come back quickly."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """A fresh Twilio account (sid and token) and the keys of the agent and public APIs."""

    account_sid: str
    auth_token: str
    supervisor_key: str
    api_secret: str

    @classmethod
    def fresh(cls) -> Credentials:
        """Random values of the right shapes: they pass the settings' placeholder checks."""
        return cls(
            account_sid="AC" + secrets.token_hex(16),
            auth_token=secrets.token_hex(16),
            supervisor_key=secrets.token_urlsafe(24),
            api_secret=secrets.token_urlsafe(32),
        )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def agent_ids(count: int) -> list[str]:
    """The roster: `a001`, `a002`, ..."""
    return [f"a{index:03d}" for index in range(1, count + 1)]


def _agents(count: int) -> str:
    return "".join(
        f'\n[[agents]]\nid = "{agent}"\nname = "Agent {agent}"\n'
        f'endpoint = "client:{agent}"\nqueues = ["{QUEUE}"]\nmax_unanswered_offers = 0\n'
        for agent in agent_ids(count)
    )


def supervisor_toml(credentials: Credentials, agents: int) -> str:
    """Open all day, no survey, no wrap-up, the fastest dial rate and the shortest lease."""
    return f"""\
[service]
company = "Chaos Energy"
numbers = ["{SERVICE_NUMBER}"]
supervisor_key_sha256 = "{_sha256(credentials.supervisor_key)}"

[queues.{QUEUE}]
display_name = "Support"
languages = ["en"]
time_zone = "Europe/London"
region = "GB"
wrap_up = "0s"
survey = false

[queues.{QUEUE}.hours]
daily = ["00:00-24:00"]

[queues.{QUEUE}.staffing]
daily = [{{ from = "00:00", to = "24:00", agents = {agents} }}]

[callback_defaults]
agent_retry_delay = "1s"
dial_rate_per_minute = {DIAL_RATE_PER_MINUTE}
cutoff_before_closing = "0s"
lease = "{LEASE_SECONDS}s"
ring_timeout = "10s"
agent_ring_timeout = "10s"
max_attempts = 10
backoff = ["2s"]
{_agents(agents)}
[numbers]
allowed_regions = ["GB"]

[calling_window]
start = "00:00"
end = "23:59"

[abuse]
per_number_per_day = 1000
per_ip_per_hour = 1000000
per_prefix_per_hour = 1000000
per_country_per_hour = 1000000

[abuse.breaker]
min_requests = 1000000

[[api.keys]]
id = "{API_KEY_ID}"
secret_env = "{API_SECRET_ENV}"
channel = "api"
"""
