"""The per-language word lists, and what they make of generated declines and names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES
from i18n.lexicon import (
    KINDS,
    LEXICON,
    PATTERN_KINDS,
    is_decline,
    is_filler,
    pattern_table,
    table,
    words,
)
from sales.normalizers import (
    BUSINESS_TYPES,
    PAYMENT_CODES,
    parse_business_type,
    parse_company_name,
    parse_person_name,
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_list(language: str) -> None:
    assert (LEXICON / f"{language}.yaml").exists()
    lists = table(language)
    assert set(lists) == set(KINDS)
    for kind in KINDS:
        assert lists[kind], f"{language}: {kind} is empty"


# The codes of each kind of regular expressions; the first set every language must have.
_RFQ_WORDS = {"sample", "negation", "no_certs", "add", "remove", "correction", "place_end"}
_PAYMENT_WORDS = ("unsupported", "no_preference", "sight", "advance", "balance", "days")
_CODES = {
    "business_names": (set(), set(BUSINESS_TYPES) - {"other"}),
    "business_types": (set(BUSINESS_TYPES), set(BUSINESS_TYPES)),
    "payment_methods": ({"LC", "DP", "DA", "OA", "TT"}, set(PAYMENT_CODES)),
    "payment_words": (set(_PAYMENT_WORDS), {*_PAYMENT_WORDS, "usance"}),
    "payment_stages": (
        {"before_shipment", "after_arrival", "deposit"},
        {"before_shipment", "against_bl", "after_arrival", "deposit"},
    ),
    "date_words": ({"asap", "christmas"}, {"asap", "please", "christmas"}),
    "language_names": (set(LANGUAGES), set(LANGUAGES)),
    "rfq_words": (_RFQ_WORDS, _RFQ_WORDS),
    "language_switch": ({"speak", "filler"}, {"speak", "filler"}),
    "yes_no": ({"yes", "no", "unsure"}, {"yes", "no", "unsure", "yes_despite_no"}),
}


def test_every_pattern_kind_has_its_codes() -> None:
    assert set(_CODES) == set(PATTERN_KINDS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PATTERN_KINDS)
def test_every_language_has_every_pattern_list(language: str, kind: str) -> None:
    required, known = _CODES[kind]
    table_ = pattern_table(language)[kind]
    assert table_, f"{language}: {kind} is missing"
    assert set(table_) <= known, f"{language}: {kind} has unknown codes"
    assert required <= set(table_), f"{language}: {kind} lacks {required - set(table_)}"
    for code, alternatives in table_.items():
        assert alternatives, f"{language}: {kind}.{code} is empty"
        for alternative in alternatives:
            re.compile(alternative)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_business_name_is_read_as_its_type(language: str) -> None:
    """The RFQ reader finds a business by its name; the normaliser reads the name as its type."""
    for code, alternatives in pattern_table(language)["business_names"].items():
        for alternative in alternatives:
            example = _example_of(alternative)
            assert parse_business_type(example).value == code, (language, alternative, example)


def _example_of(pattern: str) -> str:
    """The shortest text of a simple alternative: "importers?" -> "importer",
    "(?:e|s)?" dropped, "gros{1,2}" -> "gros", "(?:use|warehouse)" -> "use"."""
    text = re.sub(r"\(\?:[^()]*\)\?", "", pattern)
    text = re.sub(r"\(\?:([^|()]*)[^()]*\)", r"\1", text)
    text = re.sub(r".\?", "", text)
    text = re.sub(r"\{\d,\d\}", "", text).replace("[- ]", " ")
    return text


def test_no_other_language_files() -> None:
    assert {p.stem for p in LEXICON.glob("*.yaml")} == set(LANGUAGES)


# A decline as buyers write it: politeness, the decline, the field they decline, in any order.
def _declines() -> st.SearchStrategy[str]:
    decline = st.sampled_from(words("decline"))
    extra = st.lists(st.sampled_from(words("politeness") + words("optional_nouns")), max_size=3)
    punctuation = st.sampled_from(["", ".", "!", ",", " ", "。", "！", "..."])

    @st.composite
    def build(draw: st.DrawFn) -> str:
        parts = [draw(decline), *draw(extra)]
        parts = draw(st.permutations(parts))
        text = draw(st.sampled_from([" ", ", ", " - "])).join(parts) + draw(punctuation)
        return draw(st.sampled_from([text, text.upper(), text.capitalize()]))

    return build()


@settings(max_examples=400, deadline=None)
@given(_declines())
def test_a_decline_is_no_name_and_no_company(text: str) -> None:
    assert is_decline(text)
    assert not parse_person_name(text).ok, text
    assert not parse_company_name(text).ok, text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(words("filler")), st.sampled_from(["", "!", ".", "。"]))
def test_a_filler_is_no_name(filler: str, end: str) -> None:
    text = filler.capitalize() + end
    assert is_filler(text)
    assert not parse_person_name(text).ok
    assert not parse_company_name(text).ok


_FIRST = ["Jana", "Ethan", "María José", "Lucía", "Thiago", "Amélie", "Jürgen", "Aroha", "Do"]
_LAST = ["Weber", "Campbell", "da Silva", "de la Cruz", "Nguyen", "Müller", "O'Brien", "Van Nam"]
_LEGAL = ["GmbH", "Ltd", "S.A.", "SARL", "Ltda", "LLC", "Pty Ltd", "S.A.S.", "B.V."]
_WORDS = ["Nordlicht", "Handels", "Iluminação", "do", "Norte", "Lumières", "du", "Sud", "Kiwi"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_FIRST), st.sampled_from(_LAST))
def test_real_names_stay_names(first: str, last: str) -> None:
    name = f"{first} {last}"
    assert not is_decline(name)
    assert parse_person_name(name).value == name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4), st.sampled_from(_LEGAL))
def test_real_companies_stay_companies(parts: list[str], legal: str) -> None:
    if parts[0][0].islower():
        parts = ["Acme", *parts]
    company = " ".join([*parts, legal])
    assert parse_company_name(company).value == company


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, I don't understand. Could you ask again?",
        "500 pcs PNL-6060-40W",
        "2,5k downlights",
        "Actually change the quantity to 2500",
        "the same as before",
        "我不知道",
        "CIF",
        "600x600 40W",
    ],
)
def test_sentences_quantities_and_codes_name_nobody(text: str) -> None:
    assert not parse_person_name(text).ok
    assert not parse_company_name(text).ok


def test_yaml_booleans_stay_words() -> None:
    """ "yes" and "no" in a list are the words, not YAML's true and false."""
    assert "yes" in words("politeness") and "no" in words("sentence_words")
    assert not {"true", "false"} & set(words("politeness") + words("sentence_words"))


@pytest.mark.parametrize(
    "text",
    [
        "prefiro não passar telefone",
        "prefiero no dar mi teléfono",
        "I'd rather not give a phone number",
        "No lo sé, disculpe.",
        "Vielen Dank, lieber nicht",
        "nein, danke schön",  # "nein danke" is a phrase, "danke schön" too
        "不用了，谢谢",
    ],
)
def test_a_decline_with_a_verb_of_giving_or_an_apology_is_a_decline(text: str) -> None:
    assert is_decline(text)


@pytest.mark.parametrize("text", ["Vielen Dank!", "disculpe", "Muito obrigado!", "非常感谢"])
def test_thanks_and_apologies_are_fillers(text: str) -> None:
    assert is_filler(text)


@pytest.mark.parametrize(
    "text",
    ["Re-bonjour", "Hello again!", "Hallo nochmal", "Hola de nuevo", "Olá de novo", "我又来了"],
)
def test_greeting_again_is_a_filler_not_a_name(text: str) -> None:
    # "Re-bonjour" typed while the contact was asked had been stored as the buyer's name
    assert is_filler(text)
    assert not is_filler("Jean Dupont") and not is_filler("Bonjour Dupont")
