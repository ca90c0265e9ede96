"""`config check` reports the rules across tables even when some key is invalid too."""

from pathlib import Path

from callback.config.check import check_file
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
