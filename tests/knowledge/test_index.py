import pytest

from knowledge.index import Hit, KnowledgeBase

CROSS_LINGUAL = [
    ("什么时候需要CE认证？", "ce-marking.md", "When is CE required"),
    ("¿Cuándo se necesita el marcado CE?", "ce-marking.md", "When is CE required"),
    ("Wann ist eine CE-Kennzeichnung erforderlich?", "ce-marking.md", "When is CE required"),
    ("¿Qué Incoterms ofrecen?", "shipping.md", "Incoterms we quote"),
    ("Welche Incoterms bieten Sie an?", "shipping.md", "Incoterms we quote"),
    ("一个集装箱能装多少托盘？", "shipping.md", "Pallets and containers"),
    ("Wie viele Paletten passen in einen Container?", "shipping.md", "Pallets and containers"),
    ("保修期多长？", "warranty.html", "Warranty period"),
]


def test_hits_are_frozen_and_scored_between_zero_and_one(kb: KnowledgeBase) -> None:
    hits = kb.search("floodlight for a stadium", 5)
    assert hits and all(isinstance(hit, Hit) for hit in hits)
    assert all(0.0 < hit.score <= 1.0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[0].sku == "FL-SP-200W" and hits[0].source == "Product FL-SP-200W"
    with pytest.raises(AttributeError):
        hits[0].score = 2.0  # type: ignore[misc]


def test_one_hit_per_product_or_section(kb: KnowledgeBase) -> None:
    hits = kb.search("panel", 10)
    keys = [(hit.sku, hit.doc, hit.section) for hit in hits]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("question", "doc", "section"), CROSS_LINGUAL)
def test_cross_lingual_questions_find_the_english_source(
    kb: KnowledgeBase, question: str, doc: str, section: str
) -> None:
    best = kb.search(question, 3)[0]
    assert (best.doc, best.section) == (doc, section)


@pytest.mark.parametrize(
    "question",
    [
        "{sku}",
        "What is the warranty of the {sku}?",
        "{lower} price please",
        "{spaced} 的色温",
        "Do you have anything like {sku} for stadiums?",
    ],
)
def test_named_sku_is_always_the_top_hit(kb: KnowledgeBase, question: str) -> None:
    for product in kb.products:
        sku = product["sku"]
        text = question.format(sku=sku, lower=sku.lower(), spaced=sku.replace("-", " "))
        assert kb.search(text, 3)[0].sku == sku, text


def test_exact_product_lookup_and_sku_finding(kb: KnowledgeBase) -> None:
    assert kb.product("fl-sp-200w")["power_w"] == 200
    assert kb.product("FL SP 200W")["sku"] == "FL-SP-200W"
    assert kb.product("FL-SP-999W") is None
    assert kb.find_skus("compare hb ufo 150w and PNL-6060-40W") == ["HB-UFO-150W", "PNL-6060-40W"]


def test_category_filter_keeps_only_that_category(kb: KnowledgeBase) -> None:
    hits = kb.search("light for a warehouse", 5, category="tube")
    assert [hit.sku for hit in hits] == ["T8-AB-1200-18W"]


def test_certification_filter_covers_products_and_documents(kb: KnowledgeBase) -> None:
    hits = kb.search("CE marking declaration", 10, certification="ce")
    skus = {hit.sku for hit in hits if hit.sku}
    assert skus <= {"PNL-6060-40W", "FL-SP-200W", "DRV-DALI-40W", "HB-UFO-150W"}
    assert "T8-AB-1200-18W" not in skus
    assert any(hit.doc == "ce-marking.md" for hit in hits)
    assert all(hit.doc in (None, "ce-marking.md") for hit in hits)


def test_market_filter_uses_required_certifications(kb: KnowledgeBase) -> None:
    query = "LED panel, tube, floodlight, high bay or driver"
    us = {hit.sku for hit in kb.search(query, 10, market="US") if hit.sku}
    assert us == {"FL-SP-200W", "T8-AB-1200-18W"}  # UL + FCC
    uk = {hit.sku for hit in kb.search(query, 10, market="United Kingdom") if hit.sku}
    assert uk == {"PNL-6060-40W", "FL-SP-200W", "DRV-DALI-40W", "HB-UFO-150W"}  # UKCA or CE
    eu_docs = {hit.doc for hit in kb.search("CE declaration warranty", 10, market="EU")}
    assert "ce-marking.md" in eu_docs
    de_docs = {hit.doc for hit in kb.search("CE declaration warranty", 10, market="Germany")}
    assert "ce-marking.md" in de_docs  # Germany inherits the EU rules and documents
    us_docs = {hit.doc for hit in kb.search("CE declaration warranty", 10, market="US")}
    assert "ce-marking.md" not in us_docs and "warranty.html" in us_docs  # markets: all


def test_unknown_market_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="unknown market"):
        kb.search("panel", market="Atlantis")


def test_modes_and_empty_queries(kb: KnowledgeBase) -> None:
    assert kb.search("   ") == []
    assert kb.search("stadium floodlight", 0) == []
    lexical = kb.search("Incoterms FOB", 3, mode="lexical")
    assert lexical[0].section == "Incoterms we quote"
    dense = kb.search("¿Qué Incoterms ofrecen?", 3, mode="dense")
    assert dense[0].section == "Incoterms we quote"
    # lexically "认证" is now "certification" (knowledge.glossary), which every product's
    # certification list matches too; the hybrid search puts the CE document first
    assert kb.search("什么时候需要CE认证", 3)[0].doc == "ce-marking.md"
    assert "ce-marking.md" in {h.doc for h in kb.search("什么时候需要CE", 3, mode="lexical")}


def test_off_topic_questions_score_low(kb: KnowledgeBase) -> None:
    for question in ["What is the weather in Paris?", "Who won the football world cup?"]:
        hits = kb.search(question, 3)
        assert all(hit.score < 0.3 for hit in hits), hits


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Welche Ihrer Leuchten sind UL-gelistet?", "Our UL products"),
        ("哪些产品有ETL认证？", "Our ETL products"),
        ("Quais produtos têm relatório FCC?", "Our FCC products"),
    ],
)
def test_a_question_for_a_list_finds_the_passage_that_lists_models(
    demo_kb: KnowledgeBase, question: str, section: str
) -> None:
    """ "Which of your products have UL?": the passage listing our models under a heading the
    question names ranks with the passages about the scheme."""
    hits = demo_kb.search(question, 3)
    assert section in [hit.section for hit in hits]


@pytest.mark.parametrize(
    "question",
    [
        "Wer stellt das CE-Zertifikat aus, eine Prüfstelle?",
        "Quem emite o certificado CE de vocês?",
        "Qui délivre votre certificat CE ?",
    ],
)
def test_a_question_naming_one_scheme_finds_the_document_about_it(
    demo_kb: KnowledgeBase, question: str
) -> None:
    """The CB Scheme's passages share "certificate" and "body" with these; the document whose
    title names the one code the question names ranks with them."""
    assert "ce-marking.md" in [hit.doc for hit in demo_kb.search(question, 3)]


def test_a_passage_lists_models_when_it_names_three(demo_kb: KnowledgeBase) -> None:
    listing = {
        chunk.section
        for chunk, lists in zip(demo_kb.chunks, demo_kb._lists_models(), strict=True)
        if lists
    }
    assert {"Our UL products", "Our ETL products", "Our CB-certified products"} <= listing
    flags = demo_kb._lists_models()
    assert all(chunk.doc for chunk, lists in zip(demo_kb.chunks, flags, strict=True) if lists)


def test_a_heading_that_only_says_products_is_no_evidence(demo_kb: KnowledgeBase) -> None:
    """ "Which of our products are flicker-free" lists models, but a question for our products
    in general ("你们公司主要生产哪些产品？") is not about flicker: only a heading word naming
    the question's subject (UL, ETL, CB...) ties a list to it."""
    from knowledge.list_questions import generic_heading_words

    assert {"products", "models"} <= generic_heading_words()
    hits = demo_kb.search("你们公司主要生产哪些产品？", 3)
    assert all(hit.section != "Which of our products are flicker-free" for hit in hits)
