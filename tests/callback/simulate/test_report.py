"""The report's wording, its statistics and its renderings."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from datetime import time

from callback.simulate.arrivals import Interval, Kind
from callback.simulate.compare import Setup, summarise, t975
from callback.simulate.render import chart, text
from callback.simulate.report import as_json, clock, compare, verdict
from callback.simulate.tally import Cell, Tally
from tests.callback.simulate.cells import MONDAY, QUEUE, config


def test_the_interval_is_mean_plus_minus_student_t_over_root_n() -> None:
    found = summarise([1.0, 2.0, 3.0])
    assert found.mean == 2.0
    assert math.isclose(found.half, 4.303 * 1.0 / math.sqrt(3))
    assert summarise([5.0]).half == math.inf
    assert summarise([math.nan, 1.0, 3.0]) == summarise([1.0, 3.0])  # undefined, not zero
    assert math.isnan(summarise([math.nan]).mean)
    assert t975(0) == math.inf and t975(10) == 2.228 and 2.0 < t975(30) < 2.05


def _tallies(levels: list[list[float]], broken: list[list[int]]) -> list[Tally]:
    found = []
    for level, lost in zip(levels, broken, strict=True):
        tally = Tally(3600.0)
        for hour, (share, count) in enumerate(zip(level, lost, strict=True), start=10):
            tally.cells[hour] = Cell(
                held=100, answered_in_target=round(share * 100), promises_broken=count
            )
        found.append(tally)
    return found


def test_the_verdict_names_where_each_figure_moved_beyond_the_noise() -> None:
    before = _tallies([[0.7, 0.70, 0.8, 0.8]] * 3, [[0, 0, 1, 2], [0, 0, 1, 1], [0, 0, 0, 2]])
    after = _tallies(
        [[0.7, 0.71, 0.85, 0.86], [0.7, 0.69, 0.84, 0.85], [0.7, 0.7, 0.86, 0.85]],
        [[0, 0, 4, 6], [0, 0, 4, 5], [0, 0, 3, 7]],
    )
    said = verdict(before, after, [10, 11, 12, 13], 3600.0)
    assert said == (
        "proposed: service level 80% -> 85% after 12:00, 7 more broken promises after 12:00"
    )
    assert verdict(before, before, [10, 11, 12, 13], 3600.0) == (
        "proposed: no difference beyond noise"
    )
    assert clock(27, 1800.0) == "13:30"


def test_text_json_and_chart_carry_every_queue_and_figure() -> None:
    profile = (Interval(QUEUE, time(9), time(11), Kind.PHONE, 60, 240, 300, 0.3, 0.2, 0.0),)
    setup = Setup(profile, MONDAY, 1, 1, 2, 1800.0)
    reports = compare(config(2, hours="09:00-11:00"), config(3, hours="09:00-11:00"), setup)
    shown = text(reports, setup)
    assert f"queue {QUEUE}: proposed:" in shown and "\n09:30 " in shown and "\nall " in shown
    data = json.loads(json.dumps(as_json(reports, setup)))
    assert data["queues"][0]["intervals"][0]["start"] == "09:00"
    assert set(data["queues"][0]["proposed"]) == set(data["figures"])
    svg = ET.fromstring(chart(reports))
    assert svg.tag.endswith("svg") and len(svg.findall(".//{*}polyline")) == 2
    assert [row.start for row in reports[0].rows] == ["09:00", "09:30", "10:00", "10:30"]


def test_an_interval_where_nobody_held_shows_no_figure_rather_than_a_made_up_one() -> None:
    web = (Interval(QUEUE, time(9), time(10), Kind.WEB, 6, 240, None),)
    setup = Setup(web, MONDAY, 1, 1, 2, 3600.0)
    reports = compare(config(2, hours="09:00-11:00"), config(2, hours="09:00-11:00"), setup)
    shown = text(reports, setup)
    assert "service level - (nobody held) -> - (nobody held)" in shown
    assert "\n09:00 " in shown and "-     -" not in shown
    data = as_json(reports, setup)
    assert data["queues"][0]["current"]["service_level"] == {"mean": None, "ci95": None}
    assert data["queues"][0]["current"]["callbacks_completed"]["mean"] > 0
    assert 'points=""' in chart(reports)  # nothing to draw, and no NaN in the file
