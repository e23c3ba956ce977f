"""Grounded by construction, over generated questions: an attribute a record does not give gets
the honest "our data does not give it" (not confident, so the person button and a knowledge gap
follow), and no answer says a figure its record does not have."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES, catalog, t
from knowledge.answers import answer, asks_what_we_have_no_data_for, plain_text
from knowledge.attributes import ATTRIBUTES
from knowledge.grounding import figures, source_text, ungrounded
from knowledge.index import KnowledgeBase
from knowledge.recommend import made_for_heights

# One phrasing per language of "what is the <word> of <sku>?"
ASK = {
    "en": "What is the {word} of {sku}?",
    "zh": "{sku} 的{word}是多少？",
    "es": "¿Cuál es el {word} del {sku}?",
    "de": "Wie ist der {word} des {sku}?",
    "fr": "Quel est le {word} du {sku} ?",
    "pt": "Qual é o {word} do {sku}?",
}
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ASKABLE = [a for a in ATTRIBUTES if a.key != "certifications"]


def _given(product: dict, key: str) -> bool:
    """The record gives the attribute: in one of its fields or, for a mounting height, in the
    heights its summary says it is made for ("6-8 m poles")."""
    attribute = next(a for a in ATTRIBUTES if a.key == key)
    if key == "mounting_height" and made_for_heights(product) is not None:
        return True
    return any(product.get(name) not in (None, "", []) for name in attribute.fields)


def _own_figures(language: str) -> set[str]:
    import re

    return {
        figure
        for key, text in catalog(language).items()
        if key.startswith("answers.") and isinstance(text, str)
        for figure in figures(re.sub(r"\{\w+\}", " ", text))
    }


@SETTINGS
@given(data=st.data())
def test_an_attribute_the_record_lacks_gets_the_honest_dont_know(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    product = data.draw(st.sampled_from(demo_kb.products))
    missing = [a for a in ASKABLE if not _given(product, a.key)]
    if not missing:
        return
    attribute = data.draw(st.sampled_from(missing))
    if attribute.key == "driver" and product.get("category") == "driver":
        return  # "driver" of a driver is the product itself
    language = data.draw(st.sampled_from(list(ASK)))
    word = data.draw(st.sampled_from(attribute.words))
    sku = product["sku"]
    result = answer(demo_kb, ASK[language].format(word=word, sku=sku), language=language)
    label = catalog(language)[f"answers.attribute.{attribute.key}"]
    assert not result.confident, result.text
    assert label in result.text, result.text
    allowed = figures(source_text(product)) | _own_figures(language)
    assert not ungrounded(result.text, allowed), result.text


@SETTINGS
@given(data=st.data())
def test_a_given_attribute_is_answered_with_no_figure_outside_the_record(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    product = data.draw(st.sampled_from(demo_kb.products))
    given_keys = [a for a in ASKABLE if _given(product, a.key)]
    attribute = data.draw(st.sampled_from(given_keys))
    language = data.draw(st.sampled_from(list(ASK)))
    word = attribute.words[0]
    result = answer(demo_kb, ASK[language].format(word=word, sku=product["sku"]), language=language)
    allowed = figures(source_text(product)) | _own_figures(language)
    assert not ungrounded(result.text, allowed), result.text


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("MOQ and lead time of HB-UFO-150W?", "en", ["50 pcs", "25 days"]),
        ("Which driver is in HB-UFO-150W?", "en", ["DRV-010V-150W-HB"]),
        ("Do you make high bays?", "en", ["Yes, our high bays: HB-UFO-100W (100 W"]),
        ("¿Venden farolas?", "es", ["Sí, nuestra gama de farolas: SL-M-30W"]),
        ("Vous avez des dalles LED ?", "fr", ["PNL-6060-40W (40 W"]),
        ("Can we import FL-SL-30W-EC into Saudi Arabia?", "en", ["Yes, with", "SABER"]),
        ("A floodlight for tennis courts with interchangeable optics", "en", ["FL-SP-400W"]),
        ("How many years warranty on the street lighting range?", "en", ["SL-M-30W", "5 years"]),
    ],
)
def test_the_issues_questions(
    demo_kb: KnowledgeBase, question: str, language: str, expected: list[str]
) -> None:
    result = answer(demo_kb, question, language=language)
    assert result.confident
    for part in expected:
        assert part in result.text, result.text
    assert "**" not in result.text and "\n- " not in result.text


def test_the_150w_one_is_the_one_of_the_range_talked_about(demo_kb: KnowledgeBase) -> None:
    result = answer(
        demo_kb,
        "What certifications does the 150W one have, can I sell it in Australia?",
        context=["Do you make high bays?"],
    )
    assert result.text.startswith("Yes, with the national approvals below: the HB-UFO-150W has CE")
    assert "SAA" in result.text


def test_a_multi_part_question_says_which_part_has_no_data(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "What is the IP rating and the salt spray rating of HB-UFO-150W?")
    assert not result.confident
    assert "IP65" in result.text and "does not give the salt-spray" in result.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dont_know_of_an_absent_attribute_speaks_the_language(
    demo_kb: KnowledgeBase, language: str
) -> None:
    question = ASK[language].format(word="salt spray", sku="FL-SL-100W")
    result = answer(demo_kb, question, language=language)
    label = catalog(language)["answers.attribute.salt_spray"]
    expected = t("answers.spec_missing", language, sku="FL-SL-100W", label=label)
    assert not result.confident
    assert result.text.startswith(expected[:1].upper() + expected[1:]), result.text


def test_markdown_becomes_plain_text() -> None:
    text = (
        "## Cover\n\n- **Fails** to light;\n- output below `L70`\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert plain_text(text) == "Cover; Fails to light; output below L70; a; b; 1; 2."


def test_a_sentence_with_a_figure_its_record_lacks_is_not_said(
    demo_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The composer's own check: a sentence that comes out with a number the record does not
    have (here a message text that adds one) is dropped, and the answer is not confident."""
    import knowledge.answers as answers

    spec_sentence = answers._spec_sentence

    def adds_a_figure(sku: str, key: str, value: str, lang: str) -> str:
        sentence = spec_sentence(sku, key, value, lang)
        return sentence + " (tested 9731 h)" if key == "weight_kg" else sentence

    monkeypatch.setattr(answers, "_spec_sentence", adds_a_figure)
    result = answer(demo_kb, "What is the weight and the IP rating of HB-UFO-150W?")
    assert "IP65" in result.text
    assert "9731" not in result.text and "4.2" not in result.text
    assert not result.confident


def test_a_market_verdict_with_a_figure_its_rules_lack_is_not_said(
    demo_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.answers as answers

    clauses = answers._compliance_clauses
    monkeypatch.setattr(
        answers,
        "_compliance_clauses",
        lambda check, lang: [*clauses(check, lang), "SABER takes 9731 days"],
    )
    result = answer(demo_kb, "Can we import FL-SL-30W-EC into Saudi Arabia?")
    assert "9731" not in result.text
    assert not result.confident
    assert "SASO" in result.text  # the national schemes' sentence is grounded and still said


def test_a_market_verdict_names_every_national_scheme_it_announces(
    demo_kb: KnowledgeBase,
) -> None:
    """ "Yes, with the national approvals below" is followed by every scheme of the market as
    resolved: its own and those it inherits (the EU's registrations for a member state)."""
    directory = demo_kb.market_directory
    sku = "HB-UFO-100W"
    with_schemes = [code for code, market in directory.markets.items() if market.local_schemes]
    assert len(with_schemes) >= 10
    for code in with_schemes:
        market = directory.markets[code]
        said = answer(demo_kb, f"Can I sell the {sku} in {market.name}?").text
        for scheme in market.local_schemes:
            assert scheme in said, (code, scheme)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Is there a city in Europe where the SL-M-100W is already installed?", "en"),
        (
            "Habt ihr den FL-SL-100W schon an Großhändler in Deutschland geliefert? Referenzen?",
            "de",
        ),
        ("Avez-vous un client de référence en France avec le T8-HE-1200-14W ?", "fr"),
        ("Habt ihr den DRV-DALI-40W in Deutschland sofort lieferbar?", "de"),
    ],
)
def test_references_and_stock_in_a_market_get_the_honest_dont_know(
    demo_kb: KnowledgeBase, question: str, language: str
) -> None:
    """A product and a market with a request no record holds (references, stock): never the
    market verdict, but the honest "I don't know" (a person follows)."""
    result = answer(demo_kb, question, language=language)
    assert not result.confident
    assert result.text.startswith(t("answers.dont_know", language))


def test_a_part_of_the_question_no_attribute_answers_is_said_and_not_confident(
    demo_kb: KnowledgeBase,
) -> None:
    """Issue 13: "say which part we have no data for", not only the parts we answered."""
    result = answer(demo_kb, "HB-UFO-150W: what is the weight, and is it approved for food plants?")
    assert "does not answer “is it approved for food plants”" in result.text
    assert not result.confident
    with_figure = answer(demo_kb, "HB-UFO-150W weight? and is the 2nd generation housing black?")
    assert "the rest of your question" in with_figure.text  # the buyer's "2nd" is not repeated
    assert "2nd" not in with_figure.text and not with_figure.confident


def test_a_national_scheme_no_record_tracks_is_not_answered_with_the_list(
    demo_kb: KnowledgeBase,
) -> None:
    result = answer(demo_kb, "Is the DL-R150-12W Energy Star certified?")
    assert "does not say whether it has ENERGY STAR" in result.text
    assert not result.confident
    spanish = answer(demo_kb, "Del DL-R150-12W quiero saber el peso", language="es")
    assert "SABER" not in spanish.text and spanish.confident


def test_the_best_fit_that_lacks_a_code_of_the_market_is_shown_with_the_gap(
    demo_kb: KnowledgeBase,
) -> None:
    """A round surface-mounted downlight with a sensor: the one record that is all three lacks
    REACH, which France requires; it is shown first with that, not left out for recessed ones."""
    result = answer(
        demo_kb, "Round surface-mounted downlight with a motion sensor for a car park in France"
    )
    assert result.text.index("DL-SURF-R-24W") < result.text.index("DL-R200-18W")
    assert "lacks REACH, which France requires" in result.text
    in_uk = answer(demo_kb, "Round surface-mounted downlight with a motion sensor for the UK")
    assert "DL-SURF-R-24W" in in_uk.text and "lacks" not in in_uk.text


def test_a_mounting_height_is_answered_from_the_summary_that_states_it(
    demo_kb: KnowledgeBase,
) -> None:
    """No record has a mounting-height field; a summary that says "6-8 m poles" answers it, one
    that says nothing still gets the honest don't-know."""
    stated = answer(demo_kb, "What pole height is the SL-M-60W designed for?")
    assert "mounting heights of 6 to 8 m" in stated.text and stated.confident
    unstated = answer(demo_kb, "What mounting height is the HB-UFO-150W for?")
    assert "does not give the mounting height" in unstated.text and not unstated.confident


# Parts no attribute of ours answers, as a buyer adds them to a spec question (some with the
# buyer's own figures, which the answer must not repeat).
UNKNOWN_PARTS = {
    "en": [
        "is it approved for food plants",
        "is the housing available in black",
        "can you do 3 colours on one order",
    ],
    "zh": ["能不能做黑色外壳", "能不能印我们的logo", "2号仓库有没有"],
    "es": [
        "lo tienen en negro",
        "hasta qué porcentaje regula",
        "se puede pintar en 2 colores",
    ],
    "de": ["gibt es ihn in Schwarz", "wer ist Ihr Spediteur", "passt er in 3 Lagerhallen"],
    "fr": [
        "existe-t-il en noir",
        "combien de temps dure la peinture",
        "peut-on avoir 2 couleurs",
    ],
    "pt": ["tem versão preta", "quem faz o transporte", "dá para pintar em 3 cores"],
}
JOINED = {
    "en": "{sku}: what is the {word}, and {part}?",
    "zh": "{sku} 的{word}是多少？{part}？",
    "es": "Del {sku}: ¿cuál es el {word} y {part}?",
    "de": "Zum {sku}: wie ist der {word}, und {part}?",
    "fr": "Pour le {sku} : quel est le {word}, et {part} ?",
    "pt": "Sobre o {sku}: qual é o {word}, e {part}?",
}


@SETTINGS
@given(data=st.data())
def test_a_part_no_attribute_answers_is_never_answered_silently(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """Generated two-part questions in six languages: an attribute the record gives and a part
    we have no data for. The answer gives no figure outside the record (none of the buyer's),
    says what it cannot answer and is not confident."""
    product = data.draw(st.sampled_from(demo_kb.products))
    keys = [a for a in ASKABLE if _given(product, a.key) and a.key != "driver"]
    attribute = data.draw(st.sampled_from(keys))
    language = data.draw(st.sampled_from(list(JOINED)))
    part = data.draw(st.sampled_from(UNKNOWN_PARTS[language]))
    question = JOINED[language].format(sku=product["sku"], word=attribute.words[0], part=part)
    result = answer(demo_kb, question, language=language)
    assert not result.confident, (question, result.text)
    allowed = figures(source_text(product)) | _own_figures(language)
    assert not ungrounded(result.text, allowed), (question, result.text)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("Is the HB-UFO-100W ATEX certified? It is for a chemical plant", "ATEX"),
        ("HB-UFO-100W有没有防爆认证，ATEX那种", "ATEX"),
        ("¿El PNL-6060-40W tiene certificación IECEx?", "IECEx"),
    ],
)
def test_a_code_outside_every_list_is_not_answered_with_the_record_s_list(
    demo_kb: KnowledgeBase, question: str, code: str
) -> None:
    """A certification no record, code list or market rule knows: not on the record's list says
    only that our data does not say, never "no" and never the list as the answer."""
    result = answer(demo_kb, question)
    assert f"does not say whether it has {code}" in result.text
    assert not result.confident


def test_trade_terms_and_known_codes_are_no_unknown_certification(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Which certifications does the HB-UFO-150W have? LED chips, FOB price")
    assert "does not say whether it has" not in result.text and result.confident


@pytest.mark.parametrize(
    "question",
    [
        "¿qué diámetro de brazo admite el SL-EC-60W?",
        "SL-M-100W: quelle est la durée de vie du parafoudre ?",
        "What is the weight of the driver of the HB-UFO-150W?",
        "HB-UFO-150W包装的重量是多少？",
    ],
)
def test_an_attribute_of_another_thing_is_not_answered_as_the_product_s(
    demo_kb: KnowledgeBase, question: str
) -> None:
    """The arm's diameter, the surge protector's lifetime, the driver's weight: the record's
    figure is the luminaire's, so the answer says which part our data does not answer."""
    result = answer(demo_kb, question)
    assert "does not answer" in result.text
    assert not result.confident


@pytest.mark.parametrize(
    "question",
    [
        "What is the weight of the lamp HB-UFO-150W?",
        "Wie ist die Lebensdauer der Leuchte HB-UFO-150W?",
        "Qual é o peso de cada peça do DL-R150-12W?",
        "这款灯的寿命多少？HB-UFO-150W",
        "What is the lifetime of the HB-UFO-150W?",
    ],
)
def test_the_product_s_own_attribute_is_answered_confidently(
    demo_kb: KnowledgeBase, question: str
) -> None:
    result = answer(demo_kb, question)
    assert "does not answer" not in result.text and result.confident


# "the <attribute> of the <owner> <sku>": the owner named as the product itself, or as a part of
# it (its arm, its carton, its battery pack...), in each language.
OWNED = {
    "en": (
        "What is the {word} of the {owner} {sku}?",
        ["arm", "carton", "bracket", "battery pack"],
    ),
    "es": ("¿Cuál es el {word} del {owner} {sku}?", ["brazo", "soporte", "embalaje", "cargador"]),
    "de": ("Wie ist der {word} des {owner} {sku}?", ["Arms", "Kartons", "Halters", "Akkus"]),
    "fr": ("Quel est le {word} du {owner} {sku} ?", ["bras", "carton", "support", "chargeur"]),
    "pt": ("Qual é o {word} do {owner} {sku}?", ["braço", "suporte", "carregador", "cabo"]),
    "zh": ("{sku} 的{owner}的{word}是多少？", ["灯臂", "支架", "包装箱", "充电器"]),
}


def _product_words(language: str) -> list[str]:
    import yaml

    from knowledge.attributes import OWNERS_FILE

    return [str(w) for w in yaml.safe_load(OWNERS_FILE.read_text("utf-8"))["product"][language]]


@SETTINGS
@given(data=st.data())
def test_naming_the_product_itself_as_the_owner_changes_nothing(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """Generated: "the weight of the lamp X" is answered as "the weight of X" (as confident).
    Not the driver of a driver: that asks for the record itself, answered from the search,
    whose confidence any added word moves."""
    product = data.draw(st.sampled_from(demo_kb.products))
    attribute = data.draw(
        st.sampled_from(
            [a for a in ASKABLE if not (a.key == "driver" and product["category"] == "driver")]
        )
    )
    language = data.draw(st.sampled_from(list(OWNED)))
    word = data.draw(st.sampled_from(attribute.words))
    owner = data.draw(st.sampled_from(_product_words(language)))
    sku = product["sku"]
    plain = answer(demo_kb, ASK[language].format(word=word, sku=sku), language=language)
    template, _ = OWNED[language]
    owned = answer(demo_kb, template.format(word=word, owner=owner, sku=sku), language=language)
    assert owned.confident == plain.confident, (owned.text, plain.text)


@SETTINGS
@given(data=st.data())
def test_an_attribute_of_a_part_is_never_answered_confidently(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """Generated: "the weight of the arm of X", in six languages, for any attribute word: the
    record's figure is the product's, so the answer is never confident."""
    product = data.draw(st.sampled_from(demo_kb.products))
    attribute = data.draw(st.sampled_from(ASKABLE))
    language = data.draw(st.sampled_from(list(OWNED)))
    word = data.draw(st.sampled_from(attribute.words))
    template, parts = OWNED[language]
    owner = data.draw(st.sampled_from(parts))
    question = template.format(word=word, owner=owner, sku=product["sku"])
    result = answer(demo_kb, question, language=language)
    assert not result.confident, (question, result.text)


CERT_ASK = {
    "en": "Does the {sku} have {code} certification?",
    "es": "¿El {sku} tiene certificación {code}?",
    "de": "Hat der {sku} eine {code}-Zertifizierung?",
    "fr": "Le {sku} a-t-il la certification {code} ?",
    "pt": "O {sku} tem certificação {code}?",
    "zh": "{sku}有{code}认证吗？",
}


@SETTINGS
@given(data=st.data())
def test_a_generated_code_no_list_knows_is_never_answered_with_the_list(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """Generated codes of capitals (not a known code, scheme, market or trade term): the answer
    says our data does not say, and is not confident."""
    from knowledge.answers import _not_certifications
    from knowledge.attributes import attribute_spans

    product = data.draw(st.sampled_from(demo_kb.products))
    code = data.draw(st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWXYZ", min_size=3, max_size=6))
    known = {c.upper() for c in demo_kb.certification_codes}
    known |= {n.upper() for n in demo_kb.market_directory.scheme_names()}
    for market in demo_kb.market_directory.markets.values():
        known |= {c.upper() for c in (*market.required, *market.recommended)}
    if code in known or code in _not_certifications() or demo_kb.market_directory.find(code):
        return
    if demo_kb.find_skus(code) or attribute_spans(code):  # "IPN" reads as an IP rating
        return
    language = data.draw(st.sampled_from(list(CERT_ASK)))
    question = CERT_ASK[language].format(sku=product["sku"], code=code)
    result = answer(demo_kb, question, language=language)
    assert not result.confident, (question, result.text)
    assert code in result.text, (question, result.text)


# --- what no record holds: another maker's product, our sales figures ------------------------

COMPARE = {
    "en": "Is your {sku} {word} the {maker} one?",
    "zh": "你们的{sku}和{maker}的{word}吗？",
    "es": "¿El {sku} es {word} el de {maker}?",
    "de": "Ist der {sku} {word} der von {maker}?",
    "fr": "Le {sku} est-il {word} celui de {maker} ?",
    "pt": "O {sku} é {word} o da {maker}?",
}


def _competitors() -> tuple[tuple[str, ...], tuple[str, ...]]:
    import yaml

    from knowledge.answers import COMPETITORS_FILE

    data = yaml.safe_load(COMPETITORS_FILE.read_text(encoding="utf-8"))
    return tuple(data["makers"]), tuple(data["comparisons"])


MAKERS, COMPARISONS = _competitors()


@SETTINGS
@given(data=st.data())
def test_a_comparison_with_another_maker_gets_the_honest_dont_know(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """Any comparison word with any other maker, about any product, in any language: not
    confident, and no figure of the record offered as if it answered."""
    product = data.draw(st.sampled_from(demo_kb.products))
    language = data.draw(st.sampled_from(sorted(COMPARE)))
    question = COMPARE[language].format(
        sku=product["sku"],
        word=data.draw(st.sampled_from(COMPARISONS)),
        maker=data.draw(st.sampled_from(MAKERS)),
    )
    result = answer(demo_kb, question, language=language)
    assert not result.confident and result.sources == [], (question, result.text)


@pytest.mark.parametrize(
    "question",
    [
        "Is the efficacy of the HB-UFO-150W better than 130 lm/W?",  # a need, not a maker
        "Are the LEDs of the HB-UFO-150W from Osram?",  # a maker, no comparison
        "Does the DRV-TRIAC-20W work with Lutron dimmers?",
    ],
)
def test_a_comparison_word_or_a_maker_alone_asks_no_data_we_lack(question: str) -> None:
    assert asks_what_we_have_no_data_for(question) is None


def test_a_comparison_with_a_figure_is_answered_from_the_record(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Is the efficacy of the HB-UFO-150W better than 130 lm/W?")
    assert result.confident and "150" in result.text


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("How many HB-UFO-150W did you sell in Germany last year?", "en"),
        ("¿Cuántos PNL-2X2-40W le vendieron el año pasado a distribuidores en Miami?", "es"),
        ("Combien de DRV-TRIAC-20W avez-vous vendus en France l'an dernier ?", "fr"),
        ("Wie viele FL-SP-400W habt ihr verkauft in Österreich?", "de"),
        ("HB-UFO-150W去年在德国卖了多少？", "zh"),
        ("Quantos SL-M-60W vocês venderam no Brasil?", "pt"),
    ],
)
def test_our_sales_figures_in_a_market_get_no_market_verdict(
    demo_kb: KnowledgeBase, question: str, language: str
) -> None:
    result = answer(demo_kb, question, language=language)
    assert not result.confident and result.sources == [], result.text


def _other_property_phrases() -> list[str]:
    import yaml

    from knowledge.attributes import OTHER_PROPERTIES_FILE

    data = yaml.safe_load(OTHER_PROPERTIES_FILE.read_text(encoding="utf-8"))
    return sorted({str(phrase) for phrases in data.values() for phrase in phrases})


OTHER_PROPERTIES = _other_property_phrases()


@SETTINGS
@given(data=st.data())
def test_a_property_no_record_gives_is_never_answered_with_a_near_attribute(
    demo_kb: KnowledgeBase, data: st.DataObject
) -> None:
    """ "The storage temperature" is not the operating temperature: asked alone or beside an
    attribute the record gives, of any product in any language, it is said to be missing and
    the answer is not confident."""
    product = data.draw(st.sampled_from(demo_kb.products))
    language = data.draw(st.sampled_from(sorted(ASK)))
    phrase = data.draw(st.sampled_from(OTHER_PROPERTIES))
    if data.draw(st.booleans()):
        question = ASK[language].format(word=phrase, sku=product["sku"])
    else:
        keys = [a for a in ASKABLE if _given(product, a.key) and a.key != "driver"]
        word = data.draw(st.sampled_from(keys)).words[0]
        question = JOINED[language].format(sku=product["sku"], word=word, part=phrase)
    result = answer(demo_kb, question, language=language)
    assert not result.confident, (question, result.text)
