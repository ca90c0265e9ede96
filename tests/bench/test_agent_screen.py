"""The agent's screen benchmark: the offered person is found with their earlier requests, and
every case it times answers."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.agent_screen import ALICE, EARLIER, measure, offer_to_alice
from bench.console import ROOT, build
from callback.store import make_engine
from callback.store.agent_screen import AgentScreenStore


def test_the_bench_offers_alice_a_callback_with_its_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screen.db'}"
    build(url, waiting=100, history=2_000)
    attempt = offer_to_alice(url)
    engine = make_engine(url)
    try:
        party = AgentScreenStore(engine).party(ALICE)
    finally:
        engine.dispose()
    assert party is not None and party.offer.id == attempt and party.request is not None
    assert party.request.name == "Ada Lovelace"
    # The five made for the bench and the history's own row of that number.
    assert len(party.earlier) == EARLIER + 1
    config = tmp_path / "holdless.toml"
    shutil.copyfile(ROOT / "holdless.example.toml", config)
    timings = measure(url, config, runs=2)
    assert len(timings) == 5
    assert all(len(times) == 2 and min(times) > 0 for times in timings.values())
