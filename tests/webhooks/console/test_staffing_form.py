"""The staffing-plan form: a queue's entries as rows, made into a proposed config."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient

from callback.config import parse_config
from tests.webhooks.console.support import csrf_of, sign_in

FORM = "/console/config/staffing"


def _proposed(page: str) -> str:
    box = page.split('<textarea id="proposed" name="proposed" rows="18" spellcheck="false">\n')[1]
    return html.unescape(box.split("</textarea>")[0])


def _rows(page: str) -> dict[str, str]:
    """The form's fields as the browser would send them (text inputs and selected options)."""
    fields = {}
    for part in page.split("<input")[1:]:
        name = part.split('name="')[1].split('"')[0]
        fields[name] = html.unescape(part.split('value="')[1].split('"')[0])
    for part in page.split("<select name=")[1:]:
        name = part.split('"')[1]
        chosen = part.split("</select>")[0].split(" selected>")[0].rsplit('value="', 1)[1]
        fields[name] = chosen.split('"')[0]
    return fields


def test_the_form_shows_the_plan_in_the_file(client: TestClient) -> None:
    sign_in(client, "sam")
    page = client.get(f"{FORM}?queue=support")
    assert page.status_code == 200
    fields = _rows(page.text)
    assert [fields[f"day_{n}"] for n in range(5)] == [
        "weekdays",
        "weekdays",
        "weekdays",
        "saturday",
        "weekdays",
    ]
    assert (fields["from_1"], fields["to_1"], fields["agents_1"]) == ("10:00", "16:00", "5")
    assert fields["agents_4"] == "" and fields["rows"] == "7"


def test_a_viewer_may_not_open_it_and_an_unknown_queue_is_404(client: TestClient) -> None:
    sign_in(client, "vera")
    assert client.get(FORM).status_code == 403
    sign_in(client, "sam")
    assert client.get(f"{FORM}?queue=nope").status_code == 404


def test_the_rows_become_a_proposed_config_with_the_rest_kept(
    client: TestClient, config_file: Path
) -> None:
    sign_in(client, "sam")
    fields = _rows(client.get(f"{FORM}?queue=support").text)
    fields |= {"agents_1": "2", "from_2": "", "to_2": "", "agents_2": ""}  # one fewer, one gone
    fields |= {"day_4": "sunday", "from_4": "10:00", "to_4": "14:00", "agents_4": "1"}
    answer = client.post(FORM, data=fields)
    assert answer.status_code == 200
    assert "The new staffing plan of queue support is in the proposed config" in answer.text
    proposed = _proposed(answer.text)
    config = parse_config(proposed.encode(), "proposed")
    plan = config.queues["support"].staffing
    assert plan.weekdays is not None and [e.agents for e in plan.weekdays] == [3, 2]
    assert plan.sunday is not None and plan.sunday[0].agents == 1
    assert plan.saturday is not None and plan.saturday[0].agents == 2
    before = config_file.read_text()
    # Everything outside the support queue's staffing table is as it was, comments too.
    head = before.split("[queues.support.staffing]")[0]
    assert proposed.startswith(head)
    assert (
        proposed.split("[queues.support.callback]")[1]
        == before.split("[queues.support.callback]")[1]
    )
    assert config_file.read_text() == before  # nothing written yet


def test_a_wrong_value_is_named_by_the_check_when_run(client: TestClient) -> None:
    sign_in(client, "sam")
    fields = _rows(client.get(f"{FORM}?queue=support").text)
    fields |= {"agents_0": "three", "day_4": "funday", "from_4": "09:00", "to_4": "10:00"}
    fields["agents_4"] = "1"
    proposed = _proposed(client.post(FORM, data=fields).text)
    form = {"csrf": csrf_of(client.get(FORM).text), "proposed": proposed, "forecast": ""}
    form |= {"start": "2026-03-02", "days": "1", "replications": "2"}
    page = client.post("/console/config/dry-run", data=form)
    assert page.status_code == 422
    assert "proposed: queues.support.staffing.weekdays[0].agents:" in page.text
    assert "proposed: queues.support.staffing.funday: unknown key" in page.text
