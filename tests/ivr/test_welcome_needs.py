"""`welcome_needs` tells the webhook which costly inputs `welcome` will actually speak."""

from datetime import datetime, timedelta

import pytest

from ivr.call import QueueCall
from ivr.inbound import welcome, welcome_needs
from tests.ivr.conftest import NOW
from tests.ivr.test_inbound import english_only, standing

SUNDAY = NOW + timedelta(days=(6 - NOW.weekday()) % 7 or 7)


def variants(call: QueueCall, when: datetime) -> set[str]:
    """welcome's output for every combination of the two inputs."""
    schedule = call.settings.schedule()
    return {
        welcome(call, now=when, schedule=schedule, standing=s, slots=slots)
        for s in (None, standing(12))
        for slots in (False, True)
    }


def plain(support: QueueCall) -> QueueCall:
    """One language and no reasons menu: the wait is spoken right after the greeting."""
    call = english_only(support)
    settings = call.settings.model_copy(update={"reasons": {}})
    return QueueCall(call.company, "support", settings, call.policy, call.speaker)


CASES = ["open, two languages", "closed", "open, one language", "open, no menus"]


@pytest.mark.parametrize("case", CASES)
def test_an_input_said_to_be_unneeded_never_changes_the_answer(
    support: QueueCall, case: str
) -> None:
    call = {
        "open, one language": english_only(support),
        "open, no menus": plain(support),
    }.get(case, support)
    when = SUNDAY if case == "closed" else NOW
    needs = welcome_needs(call.settings, now=when, schedule=call.settings.schedule())
    schedule = call.settings.schedule()
    for s in (None, standing(12)):
        for slots in (False, True):
            used_standing = s if needs.standing else None
            used_slots = slots if needs.slots else False
            full = welcome(call, now=when, schedule=schedule, standing=s, slots=slots)
            lean = welcome(
                call, now=when, schedule=schedule, standing=used_standing, slots=used_slots
            )
            assert lean == full


def test_the_needs_follow_the_branches(support: QueueCall) -> None:
    schedule = support.settings.schedule()
    assert not schedule.is_open(SUNDAY)
    closed = welcome_needs(support.settings, now=SUNDAY, schedule=schedule)
    assert (closed.standing, closed.slots) == (False, True)
    languages = welcome_needs(support.settings, now=NOW, schedule=schedule)
    assert (languages.standing, languages.slots) == (False, False)
    reasons = english_only(support)
    menu = welcome_needs(reasons.settings, now=NOW, schedule=reasons.settings.schedule())
    assert (menu.standing, menu.slots) == (False, False)
    bare = plain(support)
    one = welcome_needs(bare.settings, now=NOW, schedule=bare.settings.schedule())
    assert (one.standing, one.slots) == (True, True)
    # where the inputs are needed, they do change what the caller hears
    assert len(variants(bare, NOW)) > 1
