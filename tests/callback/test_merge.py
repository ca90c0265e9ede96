from callback.merge import Incoming, merge
from callback.request import ContextEntry, Slot
from callback.types import Channel
from tests.callback.factories import at, request


def incoming(start: float, **kw: object) -> Incoming:
    ctx = ContextEntry(Channel.IVR, at(start), {"menu": "billing"})
    return Incoming(context=ctx, virtual_start=at(start), **kw)  # type: ignore[arg-type]


def test_a_later_request_keeps_the_earlier_place_and_both_contexts() -> None:
    existing = request(start=0, page="/pricing")
    out = merge(existing, incoming(12), at(12))
    assert out.request.virtual_start == at(0)
    assert out.kept_earlier_place
    assert [c.data for c in out.request.contexts] == [{"page": "/pricing"}, {"menu": "billing"}]
    assert out.request.id == existing.id


def test_an_earlier_start_from_another_channel_moves_the_request_forward() -> None:
    existing = request(start=20)
    out = merge(existing, incoming(5), at(21))
    assert out.request.virtual_start == at(5)
    assert not out.kept_earlier_place


def test_priority_only_goes_up_and_the_name_is_not_lost() -> None:
    existing = request(priority=3)
    out = merge(existing, incoming(1, priority=1, name="Ada"), at(2))
    assert (out.request.priority, out.request.name) == (3, "Ada")


def test_a_new_slot_wish_replaces_the_old_and_is_reported() -> None:
    existing = request(slot=(60, 75))
    wish = Slot(at(120), at(135))
    out = merge(existing, incoming(1, slot=wish), at(2))
    assert out.slot_changed
    assert out.request.slot == wish
    assert not merge(existing, incoming(1), at(2)).slot_changed
