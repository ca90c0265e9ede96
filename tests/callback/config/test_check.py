from pathlib import Path

from callback.config.check import check_file
from tests.callback.config.snippets import MINIMAL
from tests.callback.config.test_loader import EXAMPLE


def test_a_valid_file_gets_a_short_summary() -> None:
    result = check_file(EXAMPLE)
    assert result.ok
    lines = result.text.splitlines()
    assert lines[0] == f"{EXAMPLE}: OK"
    assert lines[1] == "service: Example Energy; numbers +442079460000, +3544101234"
    assert lines[2] == (
        'queue support "Customer support": en, ru; Europe/London (GB); '
        "Mon-Fri 08:00-20:00; Sat 09:00-13:00; Sun closed; 3 closure(s); "
        "staffing up to 5 agent(s); callback offered above 2m; customer_first"
    )
    assert lines[3].startswith('queue sales "Sales": en, is, fa; Atlantic/Reykjavik (IS); ')
    assert "agents: 5 (client 2, phone 1, sip 2)" in lines
    assert "retries: 3 attempts, backoff 5m/15m/30m, retry window 4h, expiry 1d" in lines
    assert "calling window: 08:00-21:00 in the callee's local time" in lines


def test_a_queue_no_agent_serves_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "holdless.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    result = check_file(path)
    assert result.ok
    assert "agents: 0; no agent serves support" in result.text.splitlines()


def test_an_invalid_file_lists_every_error_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "holdless.toml"
    path.write_text(
        MINIMAL + "priority = 500\n"
        '\n[[agents]]\nid = "a"\nname = "A"\nendpoint = "sip:a"\nqueues = ["support"]\n',
        encoding="utf-8",
    )
    result = check_file(path)
    assert not result.ok
    assert result.text.splitlines() == [
        f"{path}: queues.support.priority: Input should be less than or equal to 100 (got 500)",
        f"{path}: agents[0].endpoint: an endpoint is an E.164 number ('+44...'), "
        "'sip:user@host' or 'client:identity'; got 'sip:a'",
    ]


def test_rules_across_keys_are_listed_one_per_line_too(tmp_path: Path) -> None:
    path = tmp_path / "holdless.toml"
    path.write_text(
        MINIMAL + 'hours.monday = ["09:00-12:00", "11:00-13:00"]\nlanguages = ["en", "de"]\n',
        encoding="utf-8",
    )
    result = check_file(path)
    assert not result.ok
    assert result.text.splitlines() == [
        f"{path}: queues.support.languages[1]: no prompts for 'de'; "
        "use one of en, fa, is, ru or add [prompts.de]",
        f"{path}: queues.support.hours.monday[1]: overlaps 09:00-12:00 at [0]",
    ]
