import pytest

from callback.config.model import SupervisorConfig
from ivr.call import QueueCall
from ivr.links import Link, Links, Step


def test_a_call_speaks_the_queue_default_language_unless_told_otherwise(
    config: SupervisorConfig,
) -> None:
    assert QueueCall.of(config, "support").language == "en"
    assert QueueCall.of(config, "support", "ru").language == "ru"
    assert QueueCall.of(config, "sales").language == "is"


@pytest.mark.parametrize("language", ["fa", "de", "", None])
def test_a_language_the_queue_does_not_offer_falls_back_to_its_default(
    config: SupervisorConfig, language: str | None
) -> None:
    assert QueueCall.of(config, "support", language).language == "en"


def test_the_call_knows_its_company_zone_name_and_policy(config: SupervisorConfig) -> None:
    call = QueueCall.of(config, "sales")
    assert call.company == "Example Energy"
    assert call.zone.key == "Atlantic/Reykjavik"
    assert call.display_name == "Sales"
    assert call.policy.offer_threshold == config.callback_policy("sales").offer_threshold


def test_a_queue_without_a_display_name_is_called_by_its_id(config: SupervisorConfig) -> None:
    call = QueueCall.of(config, "support")
    settings = call.settings.model_copy(update={"display_name": None})
    bare = QueueCall(call.company, "support", settings, call.policy, call.speaker)
    assert bare.display_name == "support"


def test_voices_follow_the_language(config: SupervisorConfig) -> None:
    voices = {"fa": "Google.fa-IR-Standard-A"}
    call = QueueCall.of(config, "sales", "fa", voices=voices)
    assert call.speaker.voice == "Google.fa-IR-Standard-A"
    assert call.in_language("is").speaker.voice is None
    assert call.in_language("is").in_language("fa").speaker.voice == "Google.fa-IR-Standard-A"


def test_a_speaker_in_a_language_the_queue_does_not_offer_is_refused(
    config: SupervisorConfig,
) -> None:
    call = QueueCall.of(config, "support")
    with pytest.raises(ValueError, match="does not offer 'fa'"):
        call.in_language("fa")


def test_links_carry_queue_and_language(config: SupervisorConfig) -> None:
    call = QueueCall.of(config, "support", "ru", links=Links("https://cb.example.com"))
    assert call.link(Step.SLOT, attempt=1, choices=("1-2",)) == Link(
        Step.SLOT, "support", "ru", 1, choices=("1-2",)
    )
    assert call.url(Step.HOLD_WAIT) == (
        "https://cb.example.com/twilio/ivr/hold-wait?queue=support&lang=ru"
    )
