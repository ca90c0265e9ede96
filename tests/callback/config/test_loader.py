from pathlib import Path

import pytest

from callback.config.issues import ConfigError
from callback.config.loader import load_config, parse_config
from tests.callback.config.snippets import MINIMAL

EXAMPLE = Path(__file__).parents[3] / "holdless.example.toml"


def test_the_example_file_loads() -> None:
    config = load_config(EXAMPLE)
    assert set(config.queues) == {"support", "sales"}
    assert config.queues["support"].languages == ("en", "ru")
    assert config.queues["support"].time_zone == "Europe/London"
    assert config.queues["support"].region == "GB"
    assert [agent.endpoint_kind.value for agent in config.agents] == [
        "client",
        "sip",
        "phone",
        "client",
        "sip",
    ]
    assert config.service.numbers == ("+442079460000", "+3544101234")


def test_a_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "holdless.toml"
    path.write_text(MINIMAL + "\n[abuse]\nper_ip_per_hour = = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = MINIMAL.count("\n") + 3
    [issue] = caught.value.issues
    assert issue.location == f"line {line}, column 19"
    assert caught.value.path == str(path)
    assert caught.value.lines()[0].startswith(f"{path}: line {line}, column 19: TOML syntax: ")


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.lines() == [f"{path}: cannot read the file: No such file or directory"]


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(b'[service]\ncompany = "\xff"\n', "bad.toml")
    assert caught.value.issues[0].rule.startswith("not UTF-8 text")


def test_an_empty_file_names_the_required_tables() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(b"", "empty.toml")
    assert caught.value.lines() == [
        "empty.toml: service: required key is missing",
        "empty.toml: queues: required key is missing",
    ]


def test_unknown_top_level_tables_are_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config((MINIMAL + "\n[queue.sales]\nregion = 'GB'\n").encode(), "typo.toml")
    assert caught.value.lines() == ["typo.toml: queue: unknown key"]
