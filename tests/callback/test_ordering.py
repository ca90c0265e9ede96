from callback.ordering import MoveReason, explain
from tests.callback.factories import at, request


def test_a_position_that_did_not_get_worse_needs_no_reason() -> None:
    pos = explain(request(), ahead=2, previous_ahead=4, announced_at=at(0), newcomers=[])
    assert (pos.number, pos.moved_back, pos.reasons) == (3, False, ())


def test_a_worse_position_says_why() -> None:
    mine = request(9, start=10)
    newcomers = [
        request(20, start=30, priority=5),
        request(21, start=0, slot=(25, 40)),
        request(22, start=2, attempts=1),
        request(23, start=1),
    ]
    pos = explain(mine, ahead=7, previous_ahead=3, announced_at=at(20), newcomers=newcomers)
    assert pos.moved_back
    assert pos.reasons == (
        MoveReason.PRIORITY,
        MoveReason.SLOT_DUE,
        MoveReason.RETRY,
        MoveReason.EARLIER_ARRIVAL,
    )


def test_a_first_announcement_has_nothing_to_explain() -> None:
    pos = explain(request(), ahead=5, previous_ahead=None, announced_at=None, newcomers=[])
    assert (pos.ahead, pos.moved_back) == (5, False)
