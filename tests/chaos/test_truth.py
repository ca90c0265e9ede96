"""The ground-truth checks: which attempt a call belongs to, doubles, orphans, lost requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callback.types import State
from chaos.truth import NOT_DIALLED, AttemptRow, Call, RequestRow, doubles, lost, owners, tally

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def attempt(
    id: int, request: int, claimed: float, sid: str | None = None, outcome: str | None = None
) -> AttemptRow:
    return AttemptRow(id, request, at(claimed), sid, outcome)


def test_a_call_belongs_to_the_attempt_it_was_attached_to() -> None:
    attempts = [attempt(1, 7, 0, "CA1"), attempt(2, 7, 60, "CA2")]
    calls = [Call("CA1", at(1), 7), Call("CA2", at(61), 7)]

    assert owners(calls, attempts) == {"CA1": 1, "CA2": 2}
    assert doubles(owners(calls, attempts), attempts) == 0


def test_an_unattached_call_belongs_to_the_latest_attempt_claimed_before_it() -> None:
    attempts = [attempt(1, 7, 0), attempt(2, 7, 60, "CA2")]
    calls = [Call("CAheld", at(1), 7), Call("CA2", at(61), 7)]

    assert owners(calls, attempts) == {"CAheld": 1, "CA2": 2}


def test_a_stale_dial_after_the_redial_is_a_double_of_the_new_attempt() -> None:
    # Attempt 1 was paused past its lease; attempt 2 dialled; then attempt 1's call went out.
    attempts = [attempt(1, 7, 0, outcome=NOT_DIALLED), attempt(2, 7, 60, "CA2")]
    calls = [Call("CA2", at(61), 7), Call("CAstale", at(90), 7)]

    assert doubles(owners(calls, attempts), attempts) == 1


def test_a_call_of_an_attempt_ended_as_not_dialled_is_a_double() -> None:
    # The sweep concluded the call never happened, and it had: the request was redialled.
    attempts = [attempt(1, 7, 0, outcome=NOT_DIALLED), attempt(2, 7, 60, "CA2")]
    calls = [Call("CAheld", at(1), 7), Call("CA2", at(61), 7)]

    assert doubles(owners(calls, attempts), attempts) == 1


def test_a_call_without_any_earlier_attempt_is_an_orphan() -> None:
    attempts = [attempt(1, 7, 10, "CA1")]
    calls = [Call("CA1", at(11), 7), Call("CAearly", at(5), 7), Call("CAnone", at(20), None)]

    assert owners(calls, attempts) == {"CA1": 1, "CAearly": None, "CAnone": None}
    assert tally(calls, attempts, [], []).orphans == 2


def test_lost_counts_numbers_missing_or_not_final() -> None:
    requests = [
        RequestRow(1, "+441134960000", State.COMPLETED),
        RequestRow(2, "+441134960001", State.CONNECTED),
        RequestRow(3, "+441134960002", State.FAILED),
        RequestRow(4, "+441134960002", State.WAITING),
    ]
    accepted = ["+441134960000", "+441134960001", "+441134960002", "+441134960003"]

    assert lost(accepted, requests) == 3


def test_tally_of_a_clean_run() -> None:
    attempts = [attempt(1, 1, 0, "CA1"), attempt(2, 2, 0, "CA2")]
    calls = [Call("CA1", at(1), 1), Call("CA2", at(1), 2)]
    requests = [RequestRow(1, "+1", State.COMPLETED), RequestRow(2, "+2", State.COMPLETED)]

    found = tally(calls, attempts, requests, ["+1", "+2"])

    assert (found.callbacks, found.lost, found.doubles, found.orphans, found.calls) == (
        2,
        0,
        0,
        0,
        2,
    )
