"""The glossary: a non-English question's trade words in English, for the lexical search."""

from __future__ import annotations

import pytest

from knowledge.glossary import COLUMNS, GLOSSARY_FILE, english_words, glossary, question_language
from knowledge.index import KnowledgeBase
from knowledge.lexical import LexicalIndex


def test_every_row_has_six_languages() -> None:
    rows = [
        line.split("\t")
        for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) > 50
    assert all(len(row) == len(COLUMNS) and all(cell.strip() for cell in row) for row in rows)
    assert all(len(term) >= 2 for term in glossary()["zh"])  # one Han character is too vague


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("定金要付多少？", "zh"),
        ("Wie hoch ist die Anzahlung?", "de"),
        ("¿Cuál es el plazo de entrega?", "es"),
        ("Quel est le délai de livraison ?", "fr"),
        ("Qual é o prazo de entrega?", "pt"),
        ("What is the lead time?", "en"),
    ],
)
def test_question_language(text: str, lang: str) -> None:
    assert question_language(text) == lang


def test_chinese_terms_give_their_english_words() -> None:
    words = english_words("定金要付多少？从哪个港口出货？")
    assert "deposit" in words and "port" in words


def test_german_compounds_are_split_against_the_glossary() -> None:
    assert "spare" in english_words("Liefern Sie Ersatzleuchten mit?")
    assert "Incoterms" in english_words("Welche Lieferbedingung bieten Sie an?")
    assert "lead time" in english_words("Wie ist die Lieferzeit für Hallenstrahler?")


def test_romance_words_match_with_their_inflections() -> None:
    assert "return" in english_words("¿Aceptan devoluciones de lámparas?")
    assert "sample" in english_words("Combien coûtent les échantillons ?")


def test_attribute_words_are_translated_too() -> None:
    assert "ip rating" in english_words("Welche Schutzart hat der Fluter?")


def test_english_questions_get_nothing_added() -> None:
    assert english_words("What deposit do you need and from which port do you ship?") == ""


def test_the_english_words_find_an_english_source() -> None:
    texts = [
        "Standard terms: 30 % deposit, 70 % balance before shipment.",
        "We ship from the port of Ningbo or Shanghai.",
        "Every product is packed in an export carton.",
    ]
    index = LexicalIndex.build(texts)
    question = "你们要付多少定金？"
    assert not index.scores(question).any()  # nothing in common with the English text
    scores = index.scores(english_words(question))
    assert int(scores.argmax()) == 0


def test_search_finds_an_english_section_from_a_chinese_or_german_question(
    kb: KnowledgeBase,
) -> None:
    # the fixture's documents are English; only the glossary's words can match them lexically
    for question in ("从哪个港口发货？", "Welcher Versandhafen?"):
        hits = kb.search(question, 1, mode="lexical")
        assert hits and hits[0].section == "Incoterms we quote", question


FRAMES = {
    "zh": "请问{term}是怎么安排的？",
    "es": "¿Nos puede decir qué pasa con {term} en su empresa?",
    "de": "Können Sie uns sagen, wie das mit {term} bei Ihnen ist?",
    "fr": "Pouvez-vous nous dire comment se passe {term} chez vous ?",
    "pt": "Vocês podem nos dizer como funciona {term} com vocês?",
}


def test_every_term_of_every_row_gives_its_english_words() -> None:
    """Each term of the glossary (one Han character excepted), in a question of its language,
    adds the English words of its row (with those of any other row it also names)."""
    missed = []
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, *cells = line.split("\t")
        for lang, cell in zip(COLUMNS[1:], cells, strict=True):
            for term in cell.split("|"):
                if lang == "zh" and len(term.strip()) < 2:
                    continue  # one Han character is too vague: left out by design
                found = english_words(FRAMES[lang].format(term=term.strip()))
                if english.split()[0].lower() not in found.lower():
                    missed.append((lang, term, english, found))
    assert not missed


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Wer entscheidet über die endgültige Zolltarifnummer?", "Your customs broker decides"),
        ("¿Cuántos días de tránsito hay hasta Hamburgo?", "Standard lead times"),
        ("Wie prüfen Sie die Bauteile Ihrer Lieferanten?", "Incoming and in-line inspection"),
        ("没有质量问题，只是卖不掉，可以退货吗？", "Returns of non-defective goods"),
        ("¿Qué exige el reglamento de ecodiseño a sus paneles?", "Key requirements we meet"),
    ],
)
def test_the_new_trade_concepts_find_their_section(
    demo_kb: KnowledgeBase, question: str, section: str
) -> None:
    """Concepts added as rows (transit time, who decides the classification, suppliers'
    parts, returns of unsold goods, ecodesign), asked in other words than the rows were
    checked with."""
    assert section in [hit.section for hit in demo_kb.search(question, 3)]
