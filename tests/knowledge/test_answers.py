import pytest

from knowledge.answers import CONFIDENT_SCORE, answer
from knowledge.index import KnowledgeBase


def test_exact_spec_answer_comes_from_the_record(kb: KnowledgeBase) -> None:
    result = answer(kb, "What is the IP rating of the PNL-6060-40W?")
    assert result.confident
    assert result.text == (
        "The PNL-6060-40W's IP rating is IP20 (source: product record PNL-6060-40W)."
    )
    assert result.sources == ["product record PNL-6060-40W"]


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("PNL-6060-40W的色温有哪些？", "zh", "3000K, 4000K, 6500K"),
        ("¿Cuál es el plazo de entrega del fl sp 200w?", "es", "30 días"),
        ("Wie schwer ist der FL-SP-200W?", "de", "6,8 kg"),
        ("Wie lange ist die Garantie auf T8-AB-1200-18W?", "de", "2 Jahre"),
        ("HS code and MOQ for PNL-6060-40W?", "en", "940542"),
        ("HS code and MOQ for PNL-6060-40W?", "en", "100 pcs"),
        ("What is the lifetime of PNL-6060-40W?", "en", "50000 hours (L70B50 at Ta 25°C)"),
        ("How many lumens does the HB-UFO-150W give?", "en", "22500 lm"),
        ("PNL-6060-40W packaging?", "en", "units per carton 4"),
    ],
)
def test_spec_answers_in_several_languages(
    kb: KnowledgeBase, question: str, language: str, expected: str
) -> None:
    result = answer(kb, question, language=language)
    assert result.confident
    assert expected in result.text


def test_certification_question_says_yes_and_no(kb: KnowledgeBase) -> None:
    result = answer(kb, "Does the FL-SP-200W have UL and ENEC certification?")
    assert "The FL-SP-200W has CE, ROHS, UL, FCC, DLC" in result.text
    assert "yes, it has UL" in result.text and "it does not have ENEC" in result.text


def test_missing_value_is_not_guessed(kb: KnowledgeBase) -> None:
    result = answer(kb, "What is the CRI of the DRV-DALI-40W?")
    assert not result.confident
    assert result.text.startswith(
        "Our data for the DRV-DALI-40W does not give the CRI; a sales engineer will confirm it"
    )


def test_compliance_combines_product_and_market(kb: KnowledgeBase) -> None:
    result = answer(kb, "Can I sell the PNL-6060-40W in the US?")
    assert result.confident
    assert result.text.startswith("Not without UL, FCC: the PNL-6060-40W has ")
    assert "for United States you also need UL, FCC" in result.text
    assert result.sources == ["product record PNL-6060-40W", "market requirements US"]


def test_compliance_with_accepted_alternative(kb: KnowledgeBase) -> None:
    result = answer(kb, "Is PNL-6060-40W OK for the UK market?")
    assert "that covers what United Kingdom requires (UKCA)" in result.text
    assert "CE is accepted there instead of UKCA" in result.text
    assert "ENEC" in result.text  # recommended


def test_compliance_in_chinese(kb: KnowledgeBase) -> None:
    result = answer(kb, "HB-UFO-150W 可以卖到德国吗？", language="zh")
    assert "HB-UFO-150W 具备" in result.text
    assert "REACH, ERP" in result.text and "来源" in result.text


def test_market_rules_without_product(kb: KnowledgeBase) -> None:
    result = answer(kb, "What certification do I need to sell in Australia?")
    assert result.confident
    assert "For Australia the required certifications are SAA" in result.text


def test_document_answer_names_its_source(kb: KnowledgeBase) -> None:
    result = answer(kb, "Which Incoterms do you quote?")
    assert result.confident
    assert "FOB Ningbo" in result.text
    assert result.sources == ["Document 'Shipping and Incoterms' § Incoterms we quote"]
    assert result.text.endswith("(source: Document 'Shipping and Incoterms' § Incoterms we quote).")


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        (
            "What is the weather in Paris tomorrow?",
            "en",
            "I don't know that from our documentation",
        ),
        ("Who won the football world cup?", "en", "I don't know that from our documentation"),
        ("明天巴黎天气怎么样？", "zh", "我们的资料里没有"),
        ("¿Quién ganó el mundial de fútbol?", "es", "No lo sé"),
    ],
)
def test_weak_evidence_is_not_confident(
    kb: KnowledgeBase, question: str, language: str, expected: str
) -> None:
    result = answer(kb, question, language=language)
    assert not result.confident
    assert result.text.startswith(expected)
    assert all(hit.score < CONFIDENT_SCORE for hit in result.hits)
