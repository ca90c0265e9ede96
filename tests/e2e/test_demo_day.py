"""`make run`'s demo day, accelerated on a virtual clock, on SQLite and PostgreSQL: on a
Monday evening, when the example's queues would be closed, callers wait and are served,
callbacks are booked by phone and on the web and complete, and `GET /api/v1/queues` says
so, as the database does."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from callback.config import load_config
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, REQUEST, VOICEMAIL
from callback.types import QueueName
from devtools.carrier.day import play_day
from tests.e2e.demo_world import DemoWorld, demo_settings, demo_world
from tests.twiml_lint import lint_exchanges
from webhooks.devsite import DEV_SUPERVISOR_KEY
from webhooks.queue_today import local_midnight
from webhooks.simulation import demo_day

pytestmark = pytest.mark.anyio

EVENING = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)
"""A Monday at 20:30 in London: the example's support queue closed half an hour ago."""
MINUTES = 30
CALLERS_PER_MINUTE = 1.5
SEED = 7


def _held(world: DemoWorld, queue: str, since: datetime) -> dict[str, Any]:
    """Callers on hold of `queue` who ended since `since`, and the waits of those served."""
    h, o = HELD_CALL.c, HELD_OFFER.c
    with world.svc.store.engine.connect() as c:
        rows = c.execute(select(h.id, h.state, h.virtual_start).where(h.queue == queue)).all()
        connected = select(o.held_id, o.claimed_at).where(o.outcome == "connected")
        claims = {id_: at for id_, at in c.execute(connected)}
        ended = set(c.execute(select(h.id).where(h.queue == queue, h.ended_at >= since)).scalars())
    states = Counter(state for id_, state, _ in rows if id_ in ended)
    waits = [
        (claims[id_] - start).total_seconds()
        for id_, state, start in rows
        if state == "served" and id_ in ended
    ]
    return {"states": states, "waits": waits}


def _callbacks(world: DemoWorld, queue: str, since: datetime) -> dict[str, Any]:
    """Requests of `queue`: completed ones' waits and kept promises, unserved, by channel."""
    r, a = REQUEST.c, ATTEMPT.c
    with world.svc.store.engine.connect() as c:
        requests = c.execute(select(REQUEST).where(r.queue == queue)).mappings().all()
        claims = {
            (row.request_id, row.fence): row.claimed_at
            for row in c.execute(select(a.request_id, a.fence, a.claimed_at))
        }
        mails = c.execute(select(VOICEMAIL.c.id).where(VOICEMAIL.c.queue == queue)).all()
    done = [q for q in requests if q["state"] == "completed" and q["finished_at"] >= since]
    reached = [(q, claims[(q["id"], q["fence"])]) for q in done]
    unserved = [
        q
        for q in requests
        if q["state"] in ("cancelled", "expired")
        and q["attempts"] == 0
        and q["finished_at"] >= since
    ]
    return {
        "waits": [(at - q["virtual_start"]).total_seconds() for q, at in reached],
        "kept": sum(1 for q, at in reached if q["promise_by"] and at <= q["promise_by"]),
        "unserved": len(unserved),
        "booked": Counter(q["channel"] for q in requests if q["created_at"] >= since),
        "voicemails": len(mails),
    }


def _agree(today: dict[str, Any], held: dict[str, Any], called: dict[str, Any]) -> None:
    waits = held["waits"] + called["waits"]
    assert today["served_from_hold"] == len(held["waits"])
    assert today["callbacks_completed"] == len(called["waits"])
    assert today["abandoned_on_hold"] == held["states"]["abandoned"]
    assert today["callbacks_unserved"] == called["unserved"]
    assert today["abandoned"] == held["states"]["abandoned"] + called["unserved"]
    assert today["voicemails"] == called["voicemails"]
    assert today["promises_kept"] == called["kept"]
    assert today["booked"] == dict(called["booked"])
    if waits:
        assert today["average_wait_seconds"] == round(sum(waits) / len(waits))
        assert today["longest_wait_seconds"] == round(max(waits))


async def test_a_demo_evening_serves_callers_on_hold_and_completes_callbacks(
    tmp_path: Path, db_url: str
) -> None:
    settings = demo_settings(tmp_path, db_url)
    config = load_config(settings.config_file)
    async with demo_world(settings, EVENING, SEED) as world:
        play_day(world.carrier, demo_day(settings, config, CALLERS_PER_MINUTE, SEED), world.http)
        await world.carrier.run_for(MINUTES * 60)
        now = world.carrier.clock.now()
        answer = await world.http.get(
            "/api/v1/queues", headers={"Authorization": f"Bearer {DEV_SUPERVISOR_KEY}"}
        )
        assert answer.status_code == 200
        queues = answer.json()["queues"]
        totals: Counter[str] = Counter()
        for name in config.queues:
            since = local_midnight(config, QueueName(name), now)
            today = queues[name]["today"]
            assert datetime.fromisoformat(today["since"]) == since
            _agree(today, _held(world, name, since), _callbacks(world, name, since))
            totals.update({k: v for k, v in today.items() if isinstance(v, int)})
            totals.update({f"booked_{k}": v for k, v in today["booked"].items()})
        assert totals["served_from_hold"] > 0
        assert totals["callbacks_completed"] > 0
        assert totals["booked_web"] > 0 and totals["booked_ivr"] > 0
        with world.svc.store.engine.connect() as c:
            outcomes = Counter(c.execute(select(ATTEMPT.c.outcome)).scalars())
        # Called back, most pressed the key; machines and unanswered phones happened too.
        assert outcomes["connected"] > outcomes["machine"] > 0 and outcomes["no_answer"] > 0
        assert world.carrier.app_errors == []
        assert lint_exchanges(world.carrier.records.webhooks) == []
