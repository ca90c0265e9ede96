import pytest

from ivr.call import QueueCall
from ivr.survey import rating, survey, survey_done
from tests.ivr.golden import HANGUP, gather, redirect, response, say, url


def test_the_survey_in_icelandic(sales: QueueCall) -> None:
    q = "queue=sales&amp;lang=is&amp;request=9"
    assert survey(sales, request=9) == response(
        gather(
            url("survey", q),
            say("Vinsamlegast gefðu símtalinu einkunn frá 1 til 5 með takkaborðinu.", "is-IS"),
        ),
        redirect(url("survey", "queue=sales&amp;lang=is&amp;attempt=1&amp;request=9")),
    )


def test_thanks_for_the_rating(support: QueueCall) -> None:
    assert survey_done(support) == response(say("Thank you for your feedback. Goodbye."), HANGUP)


@pytest.mark.parametrize(("digits", "value"), [("1", 1), ("5", 5)])
def test_a_rating_is_one_key_from_1_to_5(digits: str, value: int) -> None:
    assert rating(digits) == value


@pytest.mark.parametrize("digits", ["", "0", "6", "12", "#", "٣"])
def test_anything_else_is_no_rating(digits: str) -> None:
    assert rating(digits) is None
