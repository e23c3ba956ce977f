"""Which supported language a buyer writes in (lingua, offline), and explicit language requests."""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from i18n.catalog import LANGUAGES
from i18n.lexicon import patterns

_LINGUA = {
    "en": Language.ENGLISH,
    "zh": Language.CHINESE,
    "es": Language.SPANISH,
    "de": Language.GERMAN,
    "pt": Language.PORTUGUESE,
    "fr": Language.FRENCH,
}
_CODES = {lang: code for code, lang in _LINGUA.items()}
# Han characters: Chinese is the only supported language written with them.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"[^\W\d_]+")
# Below this many letters (outside Chinese) a message says too little: "ok", "CIF", "5000 pcs".
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.6


@cache
def _detector() -> LanguageDetector:
    languages = [_LINGUA[code] for code in LANGUAGES]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def warm() -> None:
    """Load the detector's language models now (once per process)."""
    _detector()


# A company written in Han characters inside a message in another language ("We are
# 深圳光明照明有限公司, need 500 panels"): a name, not the buyer's language.
_HAN_COMPANY = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff（）()]{2,30}?"
    r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|工厂|厂|商行|贸易行)"
)


# Words in no language: email addresses, web addresses.
_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.I)


def detect(text: str) -> str | None:
    """The language of a buyer message, or None when the message is too short to tell
    ("mcosta@luzdosul.example" says nothing about the buyer's language)."""
    text = _NOT_WORDS.sub(" ", text)
    if len(_HAN.findall(text)) >= 2:
        without_names = _HAN_COMPANY.sub(" ", text)
        latin = sum(len(w) for w in _LETTERS.findall(without_names) if not _HAN.search(w))
        if len(_HAN.findall(without_names)) >= 2 or latin < MIN_LETTERS:
            return "zh"
        text = without_names
    words = [w for w in _LETTERS.findall(text) if not _HAN.search(w)]
    if sum(len(w) for w in words) < MIN_LETTERS or len(words) < 2:
        return None
    values = _detector().compute_language_confidence_values(" ".join(words))
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return _CODES.get(values[0].language)


# "Can we speak English?", "¿podemos hablar en español?", "auf Deutsch bitte", "请说中文": each
# language's names in every language (``i18n/lexicon/<lang>.yaml``: language_names).
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = patterns("language_names")


def _switch_words(code: str) -> tuple[str, str]:
    """The lexicons' words of asking to switch (language_switch): those of spaced scripts, those
    written in Chinese, each as one alternation."""
    every = patterns("language_switch")[code]
    latin = "|".join(re.escape(w) for w in every if not _HAN.search(w))
    return latin, "|".join(re.escape(w) for w in every if _HAN.search(w))


_SPEAK = re.compile(r"\b({})\b|{}".format(*_switch_words("speak")), re.IGNORECASE)
# Words that may stand around a bare language name: "English please", "auf Deutsch bitte".
_FILLER = re.compile(r"\b({})\b|{}|[\s\W\d_]".format(*_switch_words("filler")), re.IGNORECASE)


def _names_in(lowered: str) -> set[str]:
    return {
        code
        for code, names in _LANGUAGE_NAMES.items()
        for name in names
        if (
            name in lowered
            if _HAN.search(name)
            else re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered)
        )
    }


def _strip_names(lowered: str) -> str:
    for names in _LANGUAGE_NAMES.values():
        for name in names:
            lowered = lowered.replace(name, " ")
    return lowered


def requested_language(text: str) -> str | None:
    """The language a buyer explicitly asks for ("can we speak English?"), if any."""
    lowered = text.casefold().strip()
    if len(lowered) > 80:
        return None
    hits = _names_in(lowered)
    if len(hits) > 1:
        # "Sorry, I don't read Chinese, can we speak English?": the one after the verb
        return _spoken(lowered, hits)
    if not hits:
        return None
    bare = not _FILLER.sub("", _strip_names(lowered))
    return hits.pop() if bare or _SPEAK.search(lowered) else None


def _spoken(lowered: str, hits: set[str]) -> str | None:
    """Of several language names, the single one that follows a speaking verb closely."""
    verbs = [m.end() for m in _SPEAK.finditer(lowered)]
    chosen = set()
    for code in hits:
        for name in _LANGUAGE_NAMES[code]:
            at = lowered.find(name)
            if at >= 0 and any(0 <= at - end <= 12 for end in verbs):
                chosen.add(code)
    return chosen.pop() if len(chosen) == 1 else None
