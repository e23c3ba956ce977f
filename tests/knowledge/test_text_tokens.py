from knowledge.text_tokens import tokenize


def test_model_numbers_are_kept_whole_and_in_parts() -> None:
    tokens = tokenize("Is the PNL-6060-40W dimmable?")
    assert "pnl606040w" in tokens and "6060" in tokens and "dimmable" in tokens
    assert "the" not in tokens and "is" not in tokens


def test_chinese_is_segmented_with_jieba() -> None:
    tokens = tokenize("这款面板灯的防护等级是多少")
    assert "防护" in tokens and "等级" in tokens
    assert "的" not in tokens


def test_plural_folding_and_stop_words_in_other_languages() -> None:
    assert tokenize("panels floodlights glass") == ["panel", "floodlight", "glass"]
    assert tokenize("Wie lange ist die Garantie") == ["lange", "garantie"]


def test_han_text_also_gives_character_bigrams() -> None:
    # jieba keeps "宁波璐明照明" apart in ways a query need not repeat; bigrams match anyway
    tokens = tokenize("宁波璐明照明有限公司")
    assert "璐明" in tokens and "明照" in tokens
    assert "的是" not in tokenize("这个的是灯")  # a bigram of stop characters only


def test_stop_words_come_from_a_data_file_per_language() -> None:
    from knowledge.text_tokens import LANGUAGES, STOPWORD_DIR, language_stopwords

    for lang in LANGUAGES:
        assert (STOPWORD_DIR / f"{lang}.txt").is_file()
        assert len(language_stopwords(lang)) > 30, lang
    assert "quelle" in language_stopwords("fr") and "quais" in language_stopwords("pt")


def test_french_and_portuguese_stop_words_are_taken_out() -> None:
    assert tokenize("Quelle est la garantie des projecteurs ?") == ["garantie", "projecteur"]
    assert tokenize("Quais são os prazos de entrega?") == ["prazo", "entrega"]


def test_a_language_s_stop_words_stay_in_english_text() -> None:
    # French "ce", Portuguese "na", Spanish "en" are CE, NA and EN in our English sources
    tokens = tokenize("The panel has ce marking and an na version to en 60598")
    assert {"ce", "na", "en"} <= set(tokens)


def test_words_in_capitals_are_codes_not_stop_words() -> None:
    assert "ce" in tokenize("Quelle est la certification CE du projecteur ?")
    assert "ce" not in tokenize("Est-ce que ce projecteur est étanche ?")


def test_guess_language_follows_stop_words() -> None:
    from knowledge.text_tokens import guess_language

    assert guess_language(["wie", "lange", "ist", "die", "garantie"]) == "de"
    assert guess_language(["quel", "est", "le", "délai"]) == "fr"
    assert guess_language(["the", "lead", "time", "of", "the", "panel"]) == "en"
    assert guess_language(["pnl606040w"]) == "en"


def test_decompound_splits_against_known_words() -> None:
    from knowledge.text_tokens import decompound

    known = {"hallen", "strahler", "liefer", "zeit", "schutz", "art", "ersatz", "leuchten"}
    assert decompound("hallenstrahler", known) == ["hallen", "strahler"]
    assert decompound("schutzart", known) == ["schutz", "art"]
    assert decompound("lieferszeit", known) == ["liefer", "zeit"]  # linking "s"
    assert decompound("ersatzhallenleuchten", known) == ["ersatz", "hallen", "leuchten"]
    assert decompound("blumentopf", known) is None
    assert decompound("strahler", known) is None  # known or short words stay whole
