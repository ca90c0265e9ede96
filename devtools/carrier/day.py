"""`make run`'s day: callers ringing the service lines, visitors booking on the web page,
customers answering their callbacks, agents talking and wrapping up.

Callers ring each line from valid numbers of its own country and find their way through
the real menu (devtools.carrier.demo): some wait on hold, some take the callback from the
menu or from hold, some book a later time. Web visitors do what the widget and the hosted
page do, through the app's real HTTP routes: read the wait, sometimes the free slots, then
ask for a callback. Called back, most press the key; some phones are answered by a machine
and some are not answered at all. Agents answer every call and talk for their own typical
time; the app puts them in wrap-up after each call.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
import phonenumbers

from callback.carrier import AnsweredBy
from callback.privacy import mask_number
from devtools.carrier.carrier import Carrier
from devtools.carrier.demo import Wants, demo_caller, demo_keys, demo_number
from devtools.carrier.profiles import Agent, Behaviour, Person

log = logging.getLogger("holdless.demo")

MACHINE_SHARE = 0.1
"""Of the customers called back, how many are answered by a machine."""
WEB_SLOT_SHARE = 0.25
"""Of the web visitors, how many book a later slot rather than "as soon as possible"."""
FIRST_VISIT_S = (20.0, 60.0)
"""When the day's first web visitor comes, in seconds after the start."""
AGENT_TALK_S = (90.0, 150.0, 120.0, 180.0, 105.0)
"""Each agent's typical conversation, in roster order (round robin)."""
_WEB_INDEX = 500_000  # web visitors' numbers never meet the callers'
_NAMES = ("Ada", "Bjorn", "Chidi", "Dana", "Emil", "Farah", "Gudrun", "Hiro", "Ines", "Jon")


@dataclass(frozen=True, slots=True)
class WebDesk:
    """Where the web visitors book: the app as a browser reaches it, with the site's key."""

    base_url: str
    origin: str
    site_key: str
    queues: tuple[tuple[str, str], ...]
    """(queue, region) of each queue the site offers."""


@dataclass(frozen=True, slots=True)
class DemoDay:
    """The day's traffic: callers a minute over the lines, web visitors a minute."""

    lines: tuple[str, ...]
    callers_per_minute: float
    web: WebDesk | None = None
    web_per_minute: float = 0.0
    seed: int = 0


def demo_agents(carrier: Carrier, endpoints: Sequence[str]) -> None:
    """Every roster endpoint answers, each agent with their own typical talk time."""
    for n, endpoint in enumerate(endpoints):
        carrier.register(endpoint, Agent(talk_seconds=AGENT_TALK_S[n % len(AGENT_TALK_S)]))


def called_back(who: Behaviour, rng: random.Random) -> Behaviour:
    """Who answers when this customer is called back: themselves, or now and then a machine."""
    if rng.random() < MACHINE_SHARE:
        return dataclasses.replace(who, answered_by=AnsweredBy.MACHINE_START)
    return who


def region_of(line: str) -> str:
    """The country of a service line, where its callers' numbers come from."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(line)) or "GB"


async def _callers(carrier: Carrier, day: DemoDay, rng: random.Random) -> None:
    weights = [2.0] + [1.0] * (len(day.lines) - 1)  # the first line is the busiest
    index = 0
    while True:
        await carrier.clock.sleep(rng.expovariate(day.callers_per_minute / 60.0))
        line = rng.choices(day.lines, weights=weights)[0]
        number = demo_number(region_of(line), index)
        who = demo_caller(rng)
        carrier.dial_in(from_=number, to=line, who=who)
        carrier.register(number, called_back(who, rng))  # the call in progress keeps `who`
        index += 1


async def _visitors(
    carrier: Carrier, desk: WebDesk, rate: float, http: httpx.AsyncClient, rng: random.Random
) -> None:
    # The day opens with a visitor who came to ask for a call as soon as possible: a
    # newcomer sees a callback go round within minutes, whatever the draws that follow.
    await carrier.clock.sleep(rng.uniform(*FIRST_VISIT_S))
    await visit(carrier, desk, http, _WEB_INDEX, rng, later=False)
    index = _WEB_INDEX + 1
    while True:
        await carrier.clock.sleep(rng.expovariate(rate / 60.0))
        await visit(carrier, desk, http, index, rng, later=rng.random() < WEB_SLOT_SHARE)
        index += 1


async def visit(
    carrier: Carrier,
    desk: WebDesk,
    http: httpx.AsyncClient,
    index: int,
    rng: random.Random,
    *,
    later: bool,
) -> int | None:
    """One visitor reads the wait (and the slots when booking for `later`) and asks for a
    callback; the answer's status."""
    queue, region = rng.choice(desk.queues)
    number = demo_number(region, index)
    person = Person(keys=demo_keys(rng, Wants.CALLBACK), answer_probability=0.85)
    carrier.register(number, called_back(person, rng))
    headers = {"X-Holdless-Site-Key": desk.site_key, "Origin": desk.origin}
    api = f"{desk.base_url}/api/v1"
    form: dict[str, object] = {
        "queue": queue,
        "phone": number,
        "name": rng.choice(_NAMES),
        "fill_ms": rng.randint(8_000, 60_000),
    }
    try:
        await http.get(f"{api}/queues/{queue}/estimate", headers=headers)
        if later:
            form["preferred_time"] = await _a_slot(http, api, queue, headers, carrier, rng)
        answer = await http.post(f"{api}/callbacks", json=form, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("demo web visitor: the app did not answer (%s)", exc)
        return None
    log.info("demo web visitor %s asked %s: %s", mask_number(number), queue, answer.status_code)
    return answer.status_code


async def _a_slot(
    http: httpx.AsyncClient,
    api: str,
    queue: str,
    headers: dict[str, str],
    carrier: Carrier,
    rng: random.Random,
) -> str:
    day = carrier.clock.now().date().isoformat()
    found = await http.get(f"{api}/queues/{queue}/slots", params={"date": day}, headers=headers)
    slots = found.json().get("slots", []) if found.status_code == 200 else []
    return str(rng.choice(slots[:4])["start"]) if slots else "asap"


def play_day(carrier: Carrier, day: DemoDay, http: httpx.AsyncClient) -> None:
    """Start the day's callers and web visitors (browsing with `http`) as carrier tasks."""
    if day.callers_per_minute <= 0 or not day.lines:
        raise ValueError("a demo day needs a line and a positive rate of callers")
    seeds = random.Random(day.seed)  # noqa: S311  # a seeded simulation, not security
    callers = random.Random(seeds.random())  # noqa: S311
    carrier.clock.spawn(_callers(carrier, day, callers), "demo callers")
    if day.web is not None and day.web_per_minute > 0:
        rng = random.Random(seeds.random())  # noqa: S311
        carrier.clock.spawn(_visitors(carrier, day.web, day.web_per_minute, http, rng), "demo web")
