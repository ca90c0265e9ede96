"""The queue benchmark's dispatcher path: the claim the dispatcher makes and the settle after it.

The claim is `DispatchStore.offer` under the queue's real rules (`offer_for`): one transaction
that reads the budget, claims the first eligible request and holds the agent. The settle is
`Settler.settle_call`, what the status callback runs when a connected call completes: the
attempt found by its CallSid, the request read, the attempt ended and the request moved where
the retry policy says. Readying an agent, attaching the CallSid and connecting are not timed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.config import SupervisorConfig
from callback.config.loader import parse_config
from callback.service.settle import Settler
from callback.store import Claim, QueueStore
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.settling import SettleStore
from callback.types import AgentId, QueueName, State
from scheduler.dispatch_rules import offer_for

AGENTS = 8
"""Agents serving every queue, readied in turn: a claim holds one busy until it is settled."""
SPACING = timedelta(seconds=1)
"""Between two claims of one store: the dial rate cap (600 a minute) never binds."""

_QUEUE = """
[queues.{name}]
display_name = "Bench {name}"
languages = ["en"]
time_zone = "Europe/London"
region = "GB"
wrap_up = "0s"

[queues.{name}.hours]
daily = ["00:00-24:00"]

[queues.{name}.staffing]
daily = [{{ from = "00:00", to = "24:00", agents = {agents} }}]

[queues.{name}.callback]
cutoff_before_closing = "0s"
dial_rate_per_minute = 600
"""
_AGENT = """
[[agents]]
id = "{agent}"
name = "Bench agent {agent}"
endpoint = "client:{agent}"
queues = [{queues}]
"""
_HEAD = """
[service]
company = "Bench Energy"
numbers = ["+44 20 7946 0000"]

[calling_window]
start = "00:00"
end = "23:59"
"""


def bench_config(queues: Sequence[QueueName], agents: int = AGENTS) -> SupervisorConfig:
    """Queues open around the clock, served by `agents` agents, the widest calling window."""
    names = ", ".join(f'"{queue}"' for queue in queues)
    text = _HEAD + "".join(_QUEUE.format(name=queue, agents=agents) for queue in queues)
    text += "".join(_AGENT.format(agent=f"a{n}", queues=names) for n in range(agents))
    return parse_config(text.encode(), "bench")


@dataclass
class Dialling:
    """One store's dispatcher path: ready an agent, claim with it, settle the call."""

    store: QueueStore
    config: SupervisorConfig

    def __post_init__(self) -> None:
        engine = self.store.engine
        self._claims = DispatchStore(engine)
        self._presence = PresenceStore(engine)
        self._calls = CallStore(engine)
        self._settler = Settler(SettleStore(engine), self.store, self._calls)
        self._agents = [AgentId(agent.id) for agent in self.config.agents]

    def ready(self, n: int, now: datetime) -> AgentId:
        """The `n`-th agent in turn, made available (they are offline or just settled)."""
        agent = self._agents[n % len(self._agents)]
        self._presence.sync_roster([agent], now)
        found = self._presence.get(agent)
        if found is not None and found.status is not AgentStatus.AVAILABLE:
            self._presence.set_status(agent, found.status, AgentStatus.AVAILABLE, now, "bench")
        return agent

    def offer(self, queue: QueueName, agent: AgentId, now: datetime) -> Offer:
        """What the dispatcher offers: `agent` to `queue`'s line under the queue's rules."""
        return offer_for(self.config, queue, agent, now)

    def claim(self, offer: Offer, now: datetime) -> Claim | None:
        """The dispatcher's claim (timed)."""
        return self._claims.offer(offer, now).claim

    def connect(self, claim: Claim, now: datetime) -> str:
        """The call went out and the customer answered and was bridged (not timed): its SID."""
        sid = f"CA{claim.attempt_id:032x}"
        assert self._calls.attach(claim.attempt_id, claim.fence, sid), "the claim was lost"
        self.store.transition(claim.request.id, State.CONNECTED, now, expected=State.DIALING)
        return sid

    def settle(self, sid: str, now: datetime) -> None:
        """The call's final status, completed: the attempt ends, the request with it (timed)."""
        settled = self._settler.settle_call(self.config, sid, "completed", now)
        assert settled is not None and settled.state is State.COMPLETED, "not settled"
