"""`config check` reports the rules across tables even when some key is invalid too."""

from pathlib import Path
from typing import Any

from callback.config.check import check_file
from callback.config.partial import leave_out
from tests.callback.config.test_loader import EXAMPLE


def broken(tmp_path: Path, edits: dict[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "holdless.toml"
    path.write_text(text, encoding="utf-8")
    return path


def issues(path: Path) -> list[str]:
    result = check_file(path)
    assert not result.ok
    return [line.removeprefix(f"{path}: ") for line in result.text.splitlines()]


def test_a_bad_value_does_not_hide_an_agent_serving_no_such_queue(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        {"max_attempts = 3 ": 'max_attempts = "three" ', 'queues = ["support"]': 'queues = ["x"]'},
    )
    found = issues(path)
    assert found[0].startswith("callback_defaults.max_attempts: Input should be a valid integer")
    assert found[1:] == ["agents[0].queues[0]: no queue 'x'"]


def test_bad_values_in_two_tables_and_two_rule_breaches_are_all_reported(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        {
            "max_attempts = 3 ": "max_attempts = 0 ",
            "honeypot_field = ": "honeypot_field = 7 #",
            'id = "boris"': 'id = "alice"',
            'queues = ["support", "sales"]': 'queues = ["support", "marketing"]',
        },
    )
    found = issues(path)
    assert [issue.split(":")[0] for issue in found] == [
        "callback_defaults.max_attempts",
        "abuse.honeypot_field",
        "agents[1].id",
        "agents[2].queues[1]",
    ]


def test_an_issue_at_a_key_already_reported_invalid_is_not_repeated(tmp_path: Path) -> None:
    path = broken(tmp_path, {'retry_window = "4h"': 'retry_window = "soon"'})
    found = issues(path)
    assert len(found) == 1
    assert found[0].startswith("callback_defaults.retry_window:")


def test_a_missing_required_key_still_reports_the_invalid_ones(tmp_path: Path) -> None:
    path = broken(
        tmp_path,
        {'company = "Example Energy"': "", "max_attempts = 3 ": "max_attempts = -1 "},
    )
    found = issues(path)
    locations = {issue.split(":")[0] for issue in found}
    assert locations == {"service.company", "callback_defaults.max_attempts"}


def test_when_leaving_a_key_out_breaks_its_table_only_the_invalid_keys_are_reported(
    tmp_path: Path,
) -> None:
    # Without its bad url, enabled events break their own rule: the cross-table rules
    # cannot be trusted on that document, so only what is certain is reported.
    events = '[events]\nenabled = true\nurl = "nope"\nsecret_env = "EVENTS_SECRET"\n\n'
    path = broken(
        tmp_path,
        {
            "# How long personal data": events + "# How long",
            'queues = ["support"]': 'queues = ["x"]',
        },
    )
    found = issues(path)
    assert [issue.split(":")[0] for issue in found] == ["events.url"]


def test_leave_out_deletes_only_a_table_key_that_exists() -> None:
    document: dict[str, Any] = {"a": {"b": 1, "c": [{"d": 2}]}}
    assert not leave_out(document, ("a", "x", "b"))
    assert not leave_out(document, ("a", "c", 5, "d"))
    assert not leave_out(document, ("a", "c", 0))  # a list item: the rest would renumber
    assert not leave_out(document, ())
    assert leave_out(document, ("a", "c", 0, "d"))
    assert leave_out(document, ("a", "b"))
    assert document == {"a": {"c": [{}]}}
