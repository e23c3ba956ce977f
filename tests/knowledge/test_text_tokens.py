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
