"""One queue's rules as the claim needs them: the order of queues, who serves one, the checks."""

from __future__ import annotations

from datetime import datetime

from callback.config import SupervisorConfig
from callback.config.queue import LiveCallers
from callback.dispatch import Budget, Eligibility, Snapshot, dial_budget, eligible
from callback.request import CallbackRequest
from callback.store.dispatching import Check, Offer, Rule
from callback.types import AgentId, QueueName


def by_priority(config: SupervisorConfig) -> list[QueueName]:
    """The queues in the order they are served: highest priority first, then by name."""
    order = sorted(config.queues.items(), key=lambda item: (-item[1].priority, item[0]))
    return [QueueName(name) for name, _ in order]


def queues_of(config: SupervisorConfig, agent: AgentId) -> list[QueueName]:
    """The queues `agent` serves, in the order they are served; none if not in the roster."""
    found = next((a for a in config.agents if a.id == agent), None)
    serves = set() if found is None else set(found.queues)
    return [queue for queue in by_priority(config) if queue in serves]


def team(config: SupervisorConfig, queue: QueueName) -> tuple[AgentId, ...]:
    """The roster's agents serving `queue`."""
    return tuple(AgentId(agent.id) for agent in config.agents if queue in agent.queues)


def check_for(config: SupervisorConfig, queue: QueueName, now: datetime) -> Check:
    """Whether one of the queue's requests may be dialled at `now` (hours, window, expiry)."""
    window = config.calling_window_policy()
    queue_config = config.queues[queue]
    schedule, zone = queue_config.schedule(), queue_config.zone
    policy = config.callback_policy(queue)

    def check(request: CallbackRequest, due: datetime) -> Eligibility:
        return eligible(
            request,
            now,
            window=window,
            fallback_zone=zone,
            schedule=schedule,
            policy=policy,
            due=due,
        )

    return check


def budget_for(config: SupervisorConfig, queue: QueueName) -> Rule:
    """The queue's dial budget (hours, cut-off, reserve, cap, rate) of a snapshot."""
    policy, schedule = config.callback_policy(queue), config.queues[queue].schedule()

    def budget(snapshot: Snapshot) -> Budget:
        return dial_budget(snapshot, policy, schedule)

    return budget


def idle_budget(config: SupervisorConfig, queue: QueueName, now: datetime) -> Budget:
    """The budget of a queue nobody is free for: no count but the free agents' can change it.

    With no free agent every rule after NO_FREE_AGENT is moot, so the database is not asked.
    """
    return budget_for(config, queue)(
        Snapshot(now=now, free_agents=0, live_waiting=0, in_progress=0)
    )


def offer_for(config: SupervisorConfig, queue: QueueName, agent: AgentId, now: datetime) -> Offer:
    """`agent` offered to `queue`'s line at `now`, under the queue's rules."""
    return Offer(
        queue=queue,
        agent=agent,
        team=team(config, queue),
        lease=config.callback_policy(queue).lease,
        check=check_for(config, queue, now),
        budget=budget_for(config, queue),
        serve_held=config.queues[queue].live_callers is LiveCallers.HOLDLESS,
    )
