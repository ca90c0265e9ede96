"""The simulation benchmark's stated workloads are the ones it claims to time."""

from __future__ import annotations

from bench.simulate import DOCS, week_profile
from callback.simulate.arrivals import contacts, parse_profile


def test_the_week_is_about_twenty_thousand_contacts_and_the_day_about_1250() -> None:
    assert 19_000 < len(contacts(week_profile(), "support", 7, 1)) < 21_000
    day = parse_profile((DOCS / "forecast.csv").read_text(encoding="utf-8"))
    assert 1_150 < len(contacts(day, "support", 1, 1)) < 1_350
