import tomllib

import pytest

from callback.config.issues import ConfigError, ConfigIssue, from_toml_error, key_path


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("queues", "support", "hours", "monday", 1), "queues.support.hours.monday[1]"),
        (("agents", 2, "endpoint"), "agents[2].endpoint"),
        (("queues", "Support Desk"), 'queues."Support Desk"'),
        (("prompts", 'a"b'), 'prompts."a\\"b"'),
        ((), ""),
    ],
)
def test_key_paths_read_like_the_file(loc: tuple[str | int, ...], path: str) -> None:
    assert key_path(loc) == path


def test_toml_syntax_errors_name_line_and_column() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads('[service]\ncompany = "Acme"\nnumbers = [\n  "+44",\n  ==\n]\n')
    issue = from_toml_error(caught.value)
    assert issue.location == "line 5, column 3"
    assert issue.rule.startswith("TOML syntax: ")
    assert "line" not in issue.rule


def test_a_config_error_prints_one_line_per_issue() -> None:
    error = ConfigError(
        "holdless.toml",
        [ConfigIssue("agents[0].id", "already used"), ConfigIssue("", "not UTF-8 text")],
    )
    assert error.lines() == [
        "holdless.toml: agents[0].id: already used",
        "holdless.toml: not UTF-8 text",
    ]
    assert str(error) == error.text() == "\n".join(error.lines())
