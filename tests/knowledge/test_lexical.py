from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.lexical import MAX_ENDING, MIN_STEM, LexicalIndex
from knowledge.text_tokens import stopwords

TEXTS = [
    "Sports floodlight 200W for stadiums, IP66 die-cast housing.",
    "Back-lit LED panel 600x600 for offices, UGR below 22.",
    "Warranty period: five years for panels and floodlights.",
    "色温可选 3000K 4000K 6500K 的面板灯",
]


def test_scores_are_normalised_and_comparable() -> None:
    index = LexicalIndex.build(TEXTS)
    scores = index.scores("stadium floodlight")
    assert scores.shape == (4,)
    assert np.all((scores >= 0) & (scores <= 1))
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0.5
    assert scores[1] == 0.0


def test_unknown_words_lower_the_score() -> None:
    index = LexicalIndex.build(TEXTS)
    full = index.scores("warranty period")[2]
    diluted = index.scores("warranty period zyxwv qwerty")[2]
    assert 0 < diluted < full


def test_query_without_known_terms_scores_zero() -> None:
    index = LexicalIndex.build(TEXTS)
    assert not index.scores("blockchain").any()
    assert not index.scores("").any()


def test_chinese_terms_match_and_mask_applies() -> None:
    index = LexicalIndex.build(TEXTS)
    scores = index.scores("面板灯色温")
    assert int(np.argmax(scores)) == 3
    masked = index.scores("面板灯色温", mask=np.array([1, 1, 1, 0], dtype=np.float32))
    assert masked[3] == 0.0


def test_save_load_roundtrip(tmp_path: Path) -> None:
    index = LexicalIndex.build(TEXTS)
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, len(TEXTS))
    np.testing.assert_allclose(
        loaded.scores("LED panel offices"), index.scores("LED panel offices")
    )


def test_an_unknown_compound_is_searched_as_its_known_parts() -> None:
    texts = [
        "Strahler für Hallen und Lager, IP65.",
        "Leuchten für Büros, UGR unter 19.",
        "Zahlung per Akkreditiv.",
    ]
    index = LexicalIndex.build(texts)
    assert index.query_tokens("Hallenstrahler") == ["hallen", "strahler"]
    scores = index.scores("Hallenstrahler")
    assert int(np.argmax(scores)) == 0 and scores[0] > 0.5
    assert scores[1] == 0.0


@given(
    word=st.text(alphabet="abcdefghijklmnoprstuvz", min_size=MIN_STEM, max_size=10),
    ending=st.text(alphabet="aeiosn", min_size=1, max_size=MAX_ENDING),
)
@settings(max_examples=60, deadline=None)
def test_a_word_with_an_ending_finds_the_indexed_word(word: str, ending: str) -> None:
    """Cognates ("americano", "lineare"): an unknown word that is an indexed word of
    MIN_STEM letters or more plus one or two letters finds it; a shorter stem does not."""
    index = LexicalIndex.build([f"the {word} fitting", "another passage entirely"])
    if f"{word}{ending}" in index._vocab or word.endswith("s") or word in stopwords():
        return  # the inflected form is indexed itself, a plural is folded, a stop word is out
    assert index.scores(f"{word}{ending}")[0] > 0
    assert index.scores(f"{word[: MIN_STEM - 1]}{ending}xyz")[0] == 0
