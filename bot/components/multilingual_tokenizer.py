"""A tokenizer for every language of the assistant: Chinese words by jieba, the rest by spaces.

Text is first split like Rasa's ``WhitespaceTokenizer`` (punctuation at word edges dropped,
"5,000", "L/C", "jana@x.example" and "PNL-6060-40W" kept whole). A word that holds Chinese
characters is then cut into runs: each run of Han characters is segmented by jieba, every
other run ("5000" in "5000个", "CE" in "CE认证") stays one token. Offsets always point into the
original text, so entity annotations align in every language.

Training tunes the component's own jieba dictionary so that entity annotations fall on token
boundaries: the Chinese entries of the lookup tables and the Chinese text of every annotated
entity become words ("汉堡", "五千个"), and a jieba word that an annotation cuts in two is split
from then on ("2027年3月15日前": "日前" -> "日" "前"). Both are stored with the model.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Text, Tuple

import regex
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

LEARNT_FILE = "jieba_learnt.json"
# a run of Han characters, or a run of anything else
HAN_OR_OTHER = regex.compile(r"\p{Han}+|[^\p{Han}]+")
HAN = regex.compile(r"\p{Han}+")
# Rasa's WhitespaceTokenizer: what separates words, whatever the language
WORD_SEPARATORS = regex.compile(
    # punctuation followed by a space or the end
    r"[^\w#@&]+(?=\s|$)|"
    # punctuation after a space or the start, not before a number
    r"(\s|^)[^\w#@&]+(?=[^0-9\s])|"
    # punctuation inside a word that is not part of a number, an email or a URL
    r"(?<=[^0-9\s])[^\w._~:/?#\[\]()@!$&*+,;=-]+(?=[^0-9\s])"
)
LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
# full-width and CJK punctuation ("，", "。", "、", "：") never belongs to a token
CJK_PUNCTUATION = regex.compile(r"[\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]")
# punctuation left at the edges of a non-Han run ("，" in "个，5000"); a sign before a digit stays
EDGE_PUNCTUATION = regex.compile(r"^[^\w#@&$€£¥]+|^[$€£¥](?![0-9])|[^\w#@&%]+$")


def han_runs(texts: Iterable[Text]) -> Set[Text]:
    """Every run of two or more Han characters in ``texts`` (single characters are left to
    jieba's own dictionary)."""
    return {run for text in texts for run in HAN.findall(text) if len(run) >= 2}


class _Jieba:
    """One jieba dictionary per component: learnt words must not leak between models.

    ``added`` lists the (word, frequency) entries added to jieba's dictionary, in order:
    replaying them rebuilds the same dictionary without jieba's slow frequency tuning.
    """

    def __init__(self, added: Iterable[Sequence[Any]] = ()) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self.added: List[Tuple[Text, int]] = []
        for word, freq in added:
            self._add(str(word), int(freq))

    def _add(self, word: Text, freq: int) -> None:
        self._tokenizer.add_word(word, freq)
        self.added.append((word, freq))

    def join(self, word: Text) -> None:
        """Makes jieba cut ``word`` out whole."""
        self._add(word, self._tokenizer.suggest_freq(word, tune=False))

    def split(self, left: Text, right: Text) -> None:
        """Makes jieba cut ``left + right`` in two."""
        self._add(left + right, self._tokenizer.suggest_freq((left, right), tune=False))

    def cut(self, text: Text) -> List[Tuple[Text, int, int]]:
        return list(self._tokenizer.tokenize(text))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class MultilingualTokenizer(WhitespaceTokenizer):
    """Whitespace tokenization, with runs of Chinese characters segmented by jieba."""

    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        return None

    @staticmethod
    def required_packages() -> List[Text]:
        return ["jieba"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **WhitespaceTokenizer.get_default_config(),
            # add the Chinese text of lookup tables and annotated entities to jieba's words
            "learn_from_annotations": True,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        learnt: Optional[Dict[Text, Any]] = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._jieba = _Jieba((learnt or {}).get("added", ()))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualTokenizer:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MultilingualTokenizer:
        learnt: Dict[Text, Any] = {}
        try:
            with model_storage.read_from(resource) as directory:
                learnt = json.loads((directory / LEARNT_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.debug("No learnt jieba words for %s; using jieba's dictionary.", resource)
        return cls(config, model_storage, resource, learnt)

    @property
    def learnt(self) -> Dict[Text, Any]:
        """The (word, frequency) entries added to jieba's dictionary, in order."""
        return {"added": [list(entry) for entry in self._jieba.added]}

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the jieba words and splits that make the annotations fall on tokens."""
        if self._config["learn_from_annotations"]:
            annotated = [
                (example.get(TEXT) or "", example.get(ENTITIES) or [])
                for example in training_data.training_examples
                if HAN.search(example.get(TEXT) or "") and example.get(ENTITIES)
            ]
            words: Set[Text] = set()
            for table in training_data.lookup_tables:
                elements = table.get("elements")
                if isinstance(elements, list):
                    words |= han_runs(str(element) for element in elements)
            for text, entities in annotated:
                words |= han_runs(
                    text[e[ENTITY_ATTRIBUTE_START] : e[ENTITY_ATTRIBUTE_END]] for e in entities
                )
            self._jieba = _Jieba()
            for word in sorted(words):
                self._jieba.join(word)
            for left, right in sorted(self._cut_words(annotated)):
                self._jieba.split(left, right)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEARNT_FILE).write_text(
                json.dumps(self.learnt, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def _cut_words(
        self, annotated: List[Tuple[Text, List[Dict[Text, Any]]]]
    ) -> Set[Tuple[Text, Text]]:
        """Chinese words that an entity boundary falls inside, as (left, right) pairs."""
        splits: Set[Tuple[Text, Text]] = set()
        for text, entities in annotated:
            bounds = {e[ENTITY_ATTRIBUTE_START] for e in entities}
            bounds |= {e[ENTITY_ATTRIBUTE_END] for e in entities}
            for token in self.tokenize(Message(data={TEXT: text}), TEXT):
                if not HAN.fullmatch(token.text):
                    continue
                for bound in sorted(b for b in bounds if token.start < b < token.end):
                    cut = bound - token.start
                    splits.add((token.text[:cut], token.text[cut:]))
        return splits

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        # Rasa's WhitespaceTokenizer drops every word that its emoji pattern matches whole,
        # and that pattern spans the CJK blocks ("目标价" vanished): only words without a
        # letter or digit are taken for emoji here.
        words = [
            word
            for word in WORD_SEPARATORS.sub(" ", text).split()
            if LETTER_OR_DIGIT.search(word) or not self.emoji_pattern.fullmatch(word)
        ]
        if not words:
            words = [text]
        tokens: List[Token] = []
        for token in self._convert_words_to_tokens(words, text):
            if HAN.search(token.text) or CJK_PUNCTUATION.search(token.text):
                tokens.extend(self._split_han(token))
            else:
                tokens.append(token)
        return self._apply_token_pattern(tokens)

    def _split_han(self, token: Token) -> List[Token]:
        pieces: List[Token] = []
        for run in HAN_OR_OTHER.finditer(token.text):
            start = token.start + run.start()
            if HAN.fullmatch(run.group()):
                pieces.extend(
                    Token(word, start + begin, start + end)
                    for word, begin, end in self._jieba.cut(run.group())
                )
                continue
            spaced = CJK_PUNCTUATION.sub(" ", run.group())
            for part in regex.finditer(r"\S+", spaced):
                core = EDGE_PUNCTUATION.sub(lambda m: " " * len(m.group()), part.group())
                for word in regex.finditer(r"\S+", core):
                    pieces.append(Token(word.group(), start + part.start() + word.start()))
        return pieces
