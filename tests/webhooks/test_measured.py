from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from callback.forecast import Measured
from callback.inputs import Staffed
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import AgentId, QueueName
from tests.callback.config.snippets import build
from tests.webhooks.conftest import MONDAY_10
from webhooks.measured import MeasuredCache, staffed


class CountingStore:
    def __init__(self) -> None:
        self.calls: list[tuple[str, datetime, datetime]] = []

    def measured(self, queue: str, since: datetime, now: datetime) -> Measured:
        self.calls.append((queue, since, now))
        return Measured(attempts=len(self.calls))


def cache(store: Any) -> MeasuredCache:
    return MeasuredCache(store, ttl=timedelta(seconds=30))


def test_figures_are_reused_within_the_ttl_and_refreshed_after() -> None:
    store = CountingStore()
    measured = cache(store)
    support = QueueName("support")
    assert measured.get(support, MONDAY_10).attempts == 1
    assert measured.get(support, MONDAY_10 + timedelta(seconds=29)).attempts == 1
    assert measured.get(support, MONDAY_10 + timedelta(seconds=30)).attempts == 2
    assert store.calls[0] == ("support", MONDAY_10 - timedelta(hours=24), MONDAY_10)


def test_each_queue_has_its_own_figures_and_a_clock_going_back_refreshes() -> None:
    store = CountingStore()
    measured = cache(store)
    measured.get(QueueName("support"), MONDAY_10)
    measured.get(QueueName("sales"), MONDAY_10)
    measured.get(QueueName("support"), MONDAY_10 - timedelta(seconds=1))
    assert [call[0] for call in store.calls] == ["support", "sales", "support"]


AGENTS = "".join(
    f'\n[[agents]]\nid = "{name}"\nname = "{name}"\nendpoint = "client:{name}"\n'
    'queues = ["support"]\n'
    for name in ("ann", "bob", "cy")
)


def test_presence_tells_the_agents_once_anyone_has_signed_in(engine: Engine) -> None:
    config = build(AGENTS)
    presence = PresenceStore(engine)
    support = QueueName("support")
    presence.sync_roster([AgentId("ann"), AgentId("bob"), AgentId("cy")], MONDAY_10)
    # Never signed in: presence is unused here, the staffing plan decides.
    assert staffed(presence, config, support, MONDAY_10) is None
    off, on = AgentStatus.OFFLINE, AgentStatus.AVAILABLE
    assert presence.set_status(AgentId("ann"), off, on, MONDAY_10, "in")
    assert presence.set_status(AgentId("bob"), off, AgentStatus.BUSY, MONDAY_10, "call")
    assert staffed(presence, config, support, MONDAY_10) == Staffed(2, 1, ())
    assert staffed(presence, build(), support, MONDAY_10) is None  # nobody on the roster
    # Signed out again: presence now says nobody works, whatever the plan says.
    assert presence.set_status(AgentId("ann"), on, off, MONDAY_10, "out")
    assert presence.set_status(AgentId("bob"), AgentStatus.BUSY, off, MONDAY_10, "out")
    assert staffed(presence, config, support, MONDAY_10) == Staffed(0, 0, ())
