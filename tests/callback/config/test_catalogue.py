import dataclasses

import pytest

from callback.config.catalogue import (
    REFERENCE,
    Catalogue,
    builtin_catalogue,
    missing_keys,
    placeholders,
    shipped,
    text_issues,
)
from callback.config.sections import PromptPack

BRIEF_KEYS = {
    "greeting",
    "closed",
    "holiday_closed",
    "language_menu",
    "reason_menu",
    "position",
    "estimate_about",
    "estimate_range",
    "callback_offer",
    "hold_announcement",
    "hold_offer",
    "confirm_number",
    "enter_number",
    "number_invalid",
    "number_readback",
    "callback_confirmed",
    "scheduled_offer",
    "scheduled_confirmed",
    "recognised_pending",
    "voicemail_prompt",
    "goodbye",
    "apology_error",
    "agent_whisper",
    "customer_callback_greeting",
    "machine_message",
    "survey_prompt",
    "survey_thanks",
    "sms_confirmation",
    "sms_cancelled",
    "sms_apology",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return builtin_catalogue()


def test_english_has_every_key_the_ivr_and_sms_use(catalogue: Catalogue) -> None:
    assert catalogue.keys >= BRIEF_KEYS
    assert set(catalogue.languages) == set(shipped())


@pytest.mark.parametrize("code", shipped())
def test_each_shipped_language_is_complete_with_the_same_placeholders(
    catalogue: Catalogue, code: str
) -> None:
    reference = catalogue.language(REFERENCE).prompts
    prompts = catalogue.language(code).prompts
    assert missing_keys(reference, prompts) == []
    assert list(text_issues(reference, prompts, ("prompts", code))) == []


@pytest.mark.parametrize(
    ("code", "say_language", "direction"),
    [
        ("en", "en-GB", "ltr"),
        ("ru", "ru-RU", "ltr"),
        ("fa", "fa-IR", "rtl"),
        ("is", "is-IS", "ltr"),
    ],
)
def test_languages_carry_their_voice_code_and_direction(
    catalogue: Catalogue, code: str, say_language: str, direction: str
) -> None:
    language = catalogue.language(code)
    assert (language.say_language, language.direction) == (say_language, direction)


def test_render_fills_placeholders(catalogue: Catalogue) -> None:
    assert catalogue.render("en", "greeting", company="Acme") == "Thank you for calling Acme."
    assert catalogue.render("ru", "position", position=4) == "Ваш номер в очереди: 4."
    assert catalogue.render("is", "language_menu", digit=3) == "Fyrir íslensku, ýttu á 3."
    day = catalogue.render("fa", "day_tomorrow")
    assert catalogue.render("fa", "closed", day=day, time="09:00").startswith(
        "در حال حاضر تعطیل هستیم. فردا ساعت 09:00"
    )


def test_render_ignores_extra_values_and_refuses_missing_ones(catalogue: Catalogue) -> None:
    assert catalogue.render("en", "goodbye", company="Acme", unused=1).endswith("Goodbye.")
    with pytest.raises(KeyError, match="minutes"):
        catalogue.render("en", "estimate_about")
    with pytest.raises(KeyError):
        catalogue.render("de", "greeting", company="Acme")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("plain", set()),
        ("{a} and {b} and {a}", {"a", "b"}),
        ("braces {{like this}} are text", set()),
    ],
)
def test_placeholders_are_the_named_fields(text: str, names: set[str]) -> None:
    assert placeholders(text) == names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "plain names"),
        ("{0}", "plain names"),
        ("{a.b}", "plain names"),
        ("{a[0]}", "plain names"),
        ("{a:>10}", "plain names"),
        ("{a!r}", "plain names"),
        ("{a", "unbalanced"),
        ("a}", "unbalanced"),
    ],
)
def test_other_format_fields_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        placeholders(text)


def test_a_missing_key_in_one_language_is_caught(catalogue: Catalogue) -> None:
    russian = dict(catalogue.language("ru").prompts)
    del russian["goodbye"]
    assert missing_keys(catalogue.language(REFERENCE).prompts, russian) == ["goodbye"]


def test_a_wrong_placeholder_in_one_language_is_caught(catalogue: Catalogue) -> None:
    icelandic = dict(catalogue.language("is").prompts)
    icelandic["position"] = "Þú ert númer {place} í röðinni."
    found = list(text_issues(catalogue.language(REFERENCE).prompts, icelandic, ("prompts", "is")))
    assert [(issue.location, issue.rule) for issue in found] == [
        (
            "prompts.is.position",
            "placeholders must be exactly those of English ({position}); got {place}",
        )
    ]


def test_a_dropped_placeholder_is_caught_too(catalogue: Catalogue) -> None:
    persian = {"greeting": "از تماس شما سپاسگزاریم."}
    found = list(text_issues(catalogue.language(REFERENCE).prompts, persian, ("prompts", "fa")))
    assert [issue.rule for issue in found] == [
        "placeholders must be exactly those of English ({company}); got none"
    ]


def test_packs_override_texts_and_add_languages(catalogue: Catalogue) -> None:
    packs = {
        "ru": PromptPack.model_validate({"greeting": "Добрый день! Это {company}."}),
        "de": PromptPack.model_validate({"name": "Deutsch", "say_language": "de-DE"}),
    }
    merged = catalogue.with_packs(packs)
    assert merged.render("ru", "greeting", company="Acme") == "Добрый день! Это Acme."
    assert merged.text("ru", "goodbye") == catalogue.text("ru", "goodbye")
    assert merged.language("de").say_language == "de-DE"
    assert catalogue.text("ru", "greeting") != merged.text("ru", "greeting")


def test_a_catalogue_cannot_be_changed_in_place(catalogue: Catalogue) -> None:
    with pytest.raises(TypeError):
        catalogue.language("en").prompts["greeting"] = "x"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.languages = {}  # type: ignore[misc]
