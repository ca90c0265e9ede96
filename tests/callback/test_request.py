from itertools import product

import pytest

from callback.request import IllegalTransition, Slot, allowed_targets, check_transition
from callback.types import ACTIVE_STATES, FINAL_STATES, State
from tests.callback.factories import at, request

LIFECYCLE = [
    (State.WAITING, State.DIALING),
    (State.DIALING, State.CONNECTED),
    (State.CONNECTED, State.COMPLETED),
]


def test_the_happy_path_is_allowed() -> None:
    req = request()
    for current, target in LIFECYCLE:
        assert req.state is current
        req = req.moved_to(target, at(1))
    assert req.state is State.COMPLETED
    assert req.is_final


@pytest.mark.parametrize(("final", "target"), list(product(FINAL_STATES, State)))
def test_final_states_absorb(final: State, target: State) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(final, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (State.WAITING, State.CONNECTED),
        (State.WAITING, State.COMPLETED),
        (State.SCHEDULED, State.COMPLETED),
        (State.DIALING, State.EXPIRED),
        (State.CONNECTED, State.CANCELLED),
        (State.WAITING, State.WAITING),
    ],
)
def test_illegal_transitions_are_refused_and_name_both_states(
    current: State, target: State
) -> None:
    req = request(state=current)
    with pytest.raises(IllegalTransition, match=f"{current.value}.*{target.value}"):
        req.moved_to(target, at(1))


def test_a_failed_dial_can_go_back_to_the_line() -> None:
    assert State.WAITING in allowed_targets(State.DIALING)
    assert State.SCHEDULED in allowed_targets(State.DIALING)


def test_only_active_states_have_ways_out() -> None:
    assert {s for s in State if allowed_targets(s)} == ACTIVE_STATES


def test_moving_keeps_everything_but_state_and_update_time() -> None:
    req = request(priority=2, order="A-17")
    moved = req.moved_to(State.CANCELLED, at(5))
    assert (moved.state, moved.updated_at) == (State.CANCELLED, at(5))
    assert (moved.priority, moved.contexts, moved.created_at) == (2, req.contexts, req.created_at)


def test_due_at_is_the_slot_start_or_the_start() -> None:
    assert request(start=3).due_at() == at(3)
    assert request(start=3, slot=(60, 75)).due_at() == at(60)


def test_a_slot_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end"):
        Slot(at(10), at(10))
