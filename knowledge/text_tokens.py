"""Tokenisation for the lexical (BM25) side: words for Latin scripts, jieba for Chinese."""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-zà-öø-ÿß]+(?:[-./][0-9a-zà-öø-ÿß]+)*")
_SPLIT = re.compile(r"[-./]")


@cache
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_CHINESE, STOPWORDS_EN, STOPWORDS_GERMAN, STOPWORDS_SPANISH

    extra = {
        "what",
        "which",
        "how",
        "please",
        "tell",
        "much",
        "many",
        "does",
        "do",
        "can",
        "could",
        "would",
        "need",
    }
    words = {*STOPWORDS_EN, *STOPWORDS_GERMAN, *STOPWORDS_SPANISH, *STOPWORDS_CHINESE, *extra}
    return frozenset(words)


@cache
def _jieba() -> Any:  # jieba ships no type information
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _light_stem(word: str) -> str:
    """Fold English plurals ("panels" -> "panel"); leaves short words and "-ss" alone."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stop words.

    Dotted or dashed terms are kept whole, joined ("pnl-6060-40w" -> "pnl606040w") and split
    into parts, so both the model number and its parts match.  Chinese runs are cut by jieba
    in search mode (words plus their shorter sub-words).
    """
    lowered = text.lower()
    stop = stopwords()
    tokens: list[str] = []
    for match in _WORD.finditer(_CJK_RUN.sub(" ", lowered)):
        word = match.group(0)
        parts = [part for part in _SPLIT.split(word) if part]
        if len(parts) > 1:
            tokens.append("".join(parts))
        for part in parts:
            if part not in stop:
                tokens.append(_light_stem(part))
    for run in _CJK_RUN.findall(lowered):
        tokens.extend(
            token for token in _jieba().lcut_for_search(run) if token.strip() and token not in stop
        )
    return tokens
