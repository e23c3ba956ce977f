"""A simulated buyer for the RFQ conversation: personas, question matching, scoring.

A persona (``bench/personas/<language>.yaml``) is an opening message plus facts. Each fact has
what the buyer says (``say``) and the normalised value the stored inquiry should hold
(``expect``). The buyer answers whatever the bot asks: the bot's question is matched to a fact
by the keyword table of the persona's language (``bench/personas/keywords/<language>.yaml``),
and the buyer clicks the button whose title matches the fact, or types the ``say`` text.

Nothing here talks HTTP: :class:`SimulatedBuyer` drives any ``send`` callable (the chat API in
``bench/rfq_personas.py``, a fake bot in the unit tests), and :func:`score` compares the
stored Inquiry record with the facts the buyer actually stated.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sales.normalizers.quantity import UNITS
from sales.pricing.incoterms import Incoterm

PERSONA_DIR = Path(__file__).resolve().parent / "personas"
KEYWORD_DIR = PERSONA_DIR / "keywords"

REFERENCE = re.compile(r"RFQ-\d{4}-\d{6}")
MAX_TURNS = 30
STUCK_AFTER = 6  # the same question this many times in a row ends the conversation

ITEM_FACTS = ("product", "quantity", "certifications", "target_price")
ORDER_FACTS = (
    "destination",
    "incoterm",
    "required_by",
    "payment_terms",
    "sample_requested",
    "company",
    "contact_name",
    "email",
    "phone",
    "business_type",
    "buyer_country",
    "notes",
)
FACTS = ITEM_FACTS + ORDER_FACTS
# What a bot message can be about, besides the facts.
# which_item: "which product should the 2,500 pcs be for?" after a count correction naming none
QUESTION_KINDS = ("summary", "add_item", "which_item", *FACTS)

INCOTERMS = tuple(rule.value for rule in Incoterm)
PAYMENT_CODES = ("TT", "LC", "DP", "DA", "OA", "ESCROW")
BUSINESS_TYPES = (
    "importer",
    "distributor",
    "wholesaler",
    "retailer",
    "contractor",
    "integrator",
    "end_user",
    "other",
)
_RELATIVE_DATE = re.compile(r"^today\+(?P<n>\d+)(?P<unit>[dw])$|^end_of_month\+(?P<months>\d+)$")
# A day or month without a year ("15 March", "end of April"): the next one not yet past.
_NEXT_DATE = re.compile(r"^next:(?P<month>\d{1,2})-(?P<day>\d{1,2})$|^end_of:(?P<end>\d{1,2})$")
_PATH = re.compile(r"^(?:items\[(?P<index>\d+)\]\.(?P<item_fact>\w+)|(?P<fact>\w+))$")


class Stuck(RuntimeError):
    """The bot keeps asking the same question whatever the buyer answers."""


class PersonaError(ValueError):
    """A persona or keyword file that doesn't follow the format."""


# --------------------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Lower case, no accents, '/' and '.' dropped, other punctuation as spaces, single spaces.

    "L/C at sight" -> "lc at sight", "End-user" -> "end user", "Sí, enviar" -> "si enviar".
    """
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[/.'’]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _starts_with_words(text: str, prefix: str, spaced: bool = True) -> bool:
    """``text`` starts with the words of ``prefix`` (with ``spaced`` False, for a language
    written without spaces, simply with its characters)."""
    if not prefix:
        return False
    if not spaced:
        return text.startswith(prefix)
    return text == prefix or text.startswith(prefix + " ")


def sentences(text: str) -> list[str]:
    """Split after ? ! and CJK stops, and after a full stop followed by a capital ("e.g. x"
    stays one sentence)."""
    out: list[str] = []
    for line in text.splitlines():
        for chunk in re.split(r"(?<=[?!？！。])\s*", line):
            start = 0
            for match in re.finditer(r"\.\s+(?=\S)", chunk):
                following = chunk[match.end()]
                if following.isupper() or following in '¿¡"“(':
                    out.append(chunk[start : match.end()])
                    start = match.end()
            out.append(chunk[start:])
    return [s.strip() for s in out if s.strip()]


def question_parts(text: str, cues: Iterable[re.Pattern[str]] = ()) -> list[str]:
    """Where a bot message asks something: its last question sentence (with the request
    sentences right after it: "Who should we address it to? Please give your company, name
    and email."), then all its question sentences. Without a question mark, the sentences with
    a request cue ("Please enter your email."), last first. A statement (a knowledge answer,
    an acknowledgement) asks nothing."""
    cues = tuple(cues)
    split = sentences(text)
    asks = [i for i, s in enumerate(split) if "?" in s or "？" in s]
    if not asks:
        requests = [s for s in split if any(c.search(s) for c in cues)]
        return list(reversed(requests))
    last = asks[-1]
    region = [split[last]]
    for sentence in split[last + 1 :]:
        if not any(c.search(sentence) for c in cues):
            break
        region.append(sentence)
    parts = [" ".join(region)]
    if len(asks) > 1:
        parts.append(" ".join(split[i] for i in asks))
    return parts


# --------------------------------------------------------------------------- keyword tables


@dataclass(frozen=True)
class Phrasebook:
    """One language's keyword table: how the bot's questions and buttons read, what the buyer
    says when it has nothing to map."""

    language: str
    questions: dict[str, tuple[re.Pattern[str], ...]]
    priority: tuple[str, ...]
    request_cues: tuple[re.Pattern[str], ...]
    combinable: tuple[tuple[str, ...], ...]
    confirm_titles: tuple[str, ...]
    start_titles: tuple[str, ...]
    yes_titles: tuple[str, ...]
    no_titles: tuple[str, ...]
    button_aliases: dict[str, dict[str, tuple[str, ...]]]
    phrases: dict[str, str]
    word_boundaries: bool = True  # False: a language written without spaces between words
    separator: str = ", "  # between the answers to a combined question

    def classify(self, text: str, expecting: str | None = None) -> str | None:
        """The question kind a bot message asks (a fact, "summary", "add_item"), or None.

        ``expecting`` is the kind the buyer just answered: a statement that names it ("That
        email address doesn't look right: ...") is taken as asking it again.
        """
        for part in question_parts(text, self.request_cues):
            for kind in self.priority:
                if self.mentions(kind, part):
                    return kind
        if expecting is not None and self.mentions(expecting, text):
            return expecting
        return None

    def asked_together(self, kind: str, text: str) -> list[str]:
        """The facts a question asks along with ``kind`` ("your company, your name and your
        email"), ``kind`` included: the kinds of its `combinable` group the question names, in
        the order it names them; just ``[kind]`` for a single question."""
        group = next((g for g in self.combinable if kind in g), ())
        parts = question_parts(text, self.request_cues) or [text]
        found: list[tuple[int, str]] = []
        for other in group:
            positions = [
                m.start() for p in self.questions.get(other, ()) for m in p.finditer(parts[0])
            ]
            if positions:
                found.append((min(positions), other))
        kinds = [k for _, k in sorted(found)]
        return kinds if kind in kinds and len(kinds) > 1 else [kind]

    def mentions(self, kind: str, text: str) -> bool:
        return any(p.search(text) for p in self.questions.get(kind, ()))

    def is_confirm(self, title: str) -> bool:
        folded = fold(title)
        return any(
            _keyword_pattern(fold(t), self.word_boundaries).search(folded)
            for t in self.confirm_titles
        )

    def phrase(self, key: str) -> str:
        return self.phrases[key]


# A letter or digit of the Latin script: a word edge in text written without spaces ("需要CE认证").
_LATIN = "A-Za-z0-9\u00c0-\u024f"


def _keyword_pattern(keyword: str, word_boundaries: bool) -> re.Pattern[str]:
    """A keyword's regular expression: whole words ("port" not in "important"), a trailing *
    for a word prefix, "re:<regex>" as it is. Without word boundaries (Chinese), a keyword
    matches inside a run of characters, except at its Latin ends: "ce" still needs a word edge,
    so it does not match inside "price"."""
    if keyword.startswith("re:"):
        return re.compile(keyword[3:], re.I)
    prefix = keyword.endswith("*")
    word = keyword.rstrip("*")
    body = re.escape(word).replace(r"\ ", r"\s+")
    if word_boundaries:
        return re.compile(rf"(?<!\w){body}" + ("" if prefix else r"(?!\w)"), re.I)
    head = rf"(?<![{_LATIN}])" if re.match(rf"[{_LATIN}]", word[:1]) else ""
    tail = rf"(?![{_LATIN}])" if re.match(rf"[{_LATIN}]", word[-1:]) and not prefix else ""
    return re.compile(head + body + tail, re.I)


def phrasebook_from_dict(data: dict[str, Any]) -> Phrasebook:
    language = data.get("language")
    if not language:
        raise PersonaError("a keyword table needs its language")
    bounded = bool(data.get("word_boundaries", True))
    questions_raw = data.get("questions") or {}
    unknown = set(questions_raw) - set(QUESTION_KINDS)
    if unknown:
        raise PersonaError(f"{language}: unknown question kinds {sorted(unknown)}")
    questions = {
        kind: tuple(_keyword_pattern(str(k), bounded) for k in keywords)
        for kind, keywords in questions_raw.items()
    }
    priority = tuple(data.get("priority") or ())
    if set(priority) != set(questions):
        missing = set(questions) ^ set(priority)
        raise PersonaError(f"{language}: priority must list every question kind: {sorted(missing)}")
    phrases = {str(k): str(v) for k, v in (data.get("phrases") or {}).items()}
    needed = {"start", "fallback", "decline", "no_more_items", "notes_none", "yes", "no"}
    if needed - set(phrases):
        raise PersonaError(f"{language}: phrases missing {sorted(needed - set(phrases))}")
    aliases = {
        fact: {str(value): tuple(str(t) for t in titles) for value, titles in table.items()}
        for fact, table in (data.get("button_aliases") or {}).items()
    }
    return Phrasebook(
        language=language,
        questions=questions,
        priority=priority,
        request_cues=tuple(
            _keyword_pattern(str(k), bounded) for k in data.get("request_cues") or ()
        ),
        confirm_titles=tuple(data.get("confirm_titles") or ()),
        start_titles=tuple(data.get("start_titles") or ()),
        combinable=tuple(tuple(g) for g in data.get("combinable") or ()),
        yes_titles=tuple(data.get("yes_titles") or ()),
        no_titles=tuple(data.get("no_titles") or ()),
        button_aliases=aliases,
        phrases=phrases,
        word_boundaries=bounded,
        separator=str(data.get("separator", ", ")),
    )


@cache
def load_phrasebook(language: str, directory: Path = KEYWORD_DIR) -> Phrasebook:
    path = directory / f"{language}.yaml"
    if not path.exists():
        raise PersonaError(f"no keyword table for language {language!r} ({path})")
    return phrasebook_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- personas


@dataclass
class Fact:
    say: str
    expect: Any = None
    button: str | None = None  # a button title to click, when it differs from the value's
    also_states: tuple[str, ...] = ()  # other facts this answer states as well


@dataclass
class Item:
    facts: dict[str, Fact]
    add: str | None = None  # what the buyer says when the bot offers to add another product


@dataclass
class Event:
    """Something the buyer does on its own: a correction or a side question."""

    after: str  # a fact path ("quantity", "items[1].product") or "opening"
    say: str
    kind: str = "side_question"  # or "correction"
    corrects: str | None = None  # the fact path a correction changes
    new: Fact | None = None  # the corrected fact
    # a side question counts as answered when the reply has, for each group, one of its words
    reply_keywords: tuple[tuple[str, ...], ...] = ()


@dataclass
class Persona:
    name: str
    language: str
    description: str
    opening: str
    opening_states: tuple[str, ...]
    items: list[Item]
    facts: dict[str, Fact]
    events: list[Event] = field(default_factory=list)

    def fact(self, path: str) -> Fact | None:
        kind, index = parse_path(path)
        if index is None:
            return self.facts.get(kind)
        return self.items[index].facts.get(kind) if index < len(self.items) else None

    def paths(self) -> list[str]:
        """Every fact path the persona knows."""
        out = [f"items[{i}].{k}" for i, item in enumerate(self.items) for k in item.facts]
        return out + list(self.facts)


def parse_path(path: str) -> tuple[str, int | None]:
    """'quantity' -> ('quantity', 0); 'items[1].quantity' -> ('quantity', 1);
    'incoterm' -> ('incoterm', None)."""
    match = _PATH.match(path)
    if not match:
        raise PersonaError(f"bad fact path {path!r}")
    if match["item_fact"]:
        return match["item_fact"], int(match["index"])
    fact = match["fact"]
    return (fact, 0) if fact in ITEM_FACTS else (fact, None)


def canonical_path(path: str) -> str:
    kind, index = parse_path(path)
    return kind if index is None else f"items[{index}].{kind}"


def _fact(raw: Any, where: str) -> Fact:
    if isinstance(raw, str):
        return Fact(say=raw)
    if not isinstance(raw, dict) or "say" not in raw:
        raise PersonaError(f"{where}: a fact needs 'say' (and usually 'expect')")
    extra = set(raw) - {"say", "expect", "button", "also_states"}
    if extra:
        raise PersonaError(f"{where}: unknown keys {sorted(extra)}")
    return Fact(
        say=str(raw["say"]),
        expect=raw.get("expect"),
        button=raw.get("button"),
        also_states=tuple(canonical_path(p) for p in raw.get("also_states") or ()),
    )


def persona_from_dict(raw: dict[str, Any]) -> Persona:
    name = str(raw.get("name") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise PersonaError(f"persona name {name!r}: lower-case letters, digits, dashes")
    extra = set(raw) - {"name", "language", "description", "opening", "items", "facts", "events"}
    if extra:
        raise PersonaError(f"{name}: unknown keys {sorted(extra)}")
    opening = raw.get("opening") or {}
    if isinstance(opening, str):
        opening = {"say": opening}
    items = []
    for i, item in enumerate(raw.get("items") or []):
        facts = {}
        for kind, value in item.items():
            if kind == "add":
                continue
            if kind not in ITEM_FACTS:
                raise PersonaError(f"{name}: items[{i}]: unknown fact {kind!r}")
            facts[kind] = _fact(value, f"{name}: items[{i}].{kind}")
        items.append(Item(facts=facts, add=item.get("add")))
    if not items:
        raise PersonaError(f"{name}: needs at least one item")
    facts = {}
    for kind, value in (raw.get("facts") or {}).items():
        if kind not in ORDER_FACTS:
            raise PersonaError(f"{name}: unknown fact {kind!r}")
        facts[kind] = _fact(value, f"{name}: {kind}")
    events = []
    for e in raw.get("events") or []:
        kind = e.get("kind", "side_question")
        if kind not in ("side_question", "correction"):
            raise PersonaError(f"{name}: unknown event kind {kind!r}")
        events.append(
            Event(
                after=e["after"] if e["after"] == "opening" else canonical_path(e["after"]),
                say=str(e["say"]),
                kind=kind,
                corrects=canonical_path(e["corrects"]) if e.get("corrects") else None,
                new=_fact(e["new"], f"{name}: event") if e.get("new") else None,
                reply_keywords=_keyword_groups(e.get("reply_keywords") or []),
            )
        )
    persona = Persona(
        name=name,
        language=str(raw.get("language") or ""),
        description=str(raw.get("description") or ""),
        opening=str(opening.get("say") or ""),
        opening_states=tuple(canonical_path(p) for p in opening.get("states") or ()),
        items=items,
        facts=facts,
        events=events,
    )
    validate(persona)
    return persona


def _keyword_groups(raw: list[Any]) -> tuple[tuple[str, ...], ...]:
    """[a, b] -> one group (a or b); [[a, b], [c]] -> two groups ((a or b) and c)."""
    if all(isinstance(k, str) for k in raw):
        return (tuple(raw),) if raw else ()
    return tuple((str(g),) if isinstance(g, str) else tuple(str(k) for k in g) for g in raw)


def validate(persona: Persona) -> None:
    """Raise PersonaError on facts whose expected values the scorer can't compare."""
    name = persona.name
    if not persona.language:
        raise PersonaError(f"{name}: needs a language")
    if not persona.opening:
        raise PersonaError(f"{name}: needs an opening message")
    known = set(persona.paths())
    stated_somewhere = list(persona.opening_states)
    for path in persona.paths():
        stated_somewhere += persona.fact(path).also_states  # type: ignore[union-attr]
    for event in persona.events:
        if event.after != "opening" and event.after not in known:
            raise PersonaError(f"{name}: event after unknown fact {event.after}")
        if event.kind == "correction":
            if not event.corrects or event.corrects not in known or event.new is None:
                raise PersonaError(
                    f"{name}: a correction needs 'corrects' (a known fact) and 'new'"
                )
            _check_expect(name, event.corrects, event.new)
    for path in stated_somewhere:
        if path not in known:
            raise PersonaError(f"{name}: states {path}, which it has no fact for")
    for path in persona.paths():
        _check_expect(name, path, persona.fact(path))


def _check_expect(name: str, path: str, fact: Fact) -> None:
    kind, _ = parse_path(path)
    value = fact.expect
    where = f"{name}: {path}"
    if value is None:
        if kind != "notes":
            raise PersonaError(f"{where}: needs 'expect'")
        return
    ok = True
    if kind == "product":
        ok = isinstance(value, str) and value == value.upper()
    elif kind == "quantity":
        ok = (
            isinstance(value, dict)
            and value.get("unit") in UNITS
            and _decimal(value.get("quantity")) is not None
        )
    elif kind == "certifications":
        ok = isinstance(value, list) and all(isinstance(c, str) and c == c.upper() for c in value)
    elif kind == "target_price":
        ok = (
            isinstance(value, dict)
            and _decimal(value.get("amount")) is not None
            and re.fullmatch(r"[A-Z]{3}", str(value.get("currency"))) is not None
        )
    elif kind == "destination":
        ok = (
            isinstance(value, dict)
            and re.fullmatch(r"[A-Z]{2}", str(value.get("country"))) is not None
        )
    elif kind == "incoterm":
        ok = value in INCOTERMS
    elif kind == "payment_terms":
        ok = value in PAYMENT_CODES
    elif kind == "business_type":
        ok = value in BUSINESS_TYPES
    elif kind == "sample_requested":
        ok = isinstance(value, bool)
    elif kind == "required_by":
        try:
            resolve_date(value, date.today())
        except PersonaError:
            ok = False
    elif kind == "phone":
        ok = isinstance(value, str) and re.fullmatch(r"\+[1-9]\d{6,14}", value) is not None
    elif kind == "buyer_country":
        ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) is not None
    elif kind in ("company", "contact_name", "email", "notes"):
        ok = isinstance(value, str) and bool(value.strip())
    if not ok:
        raise PersonaError(f"{where}: expect {value!r} isn't a valid normalised value")


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def resolve_date(value: Any, today: date) -> date:
    """An expected required-by date: an ISO date, "today+70d", "today+10w", "end_of_month+1"
    (the last day of the month one month after today's), "end_of:4" (the next 30 April not
    yet past: "end of April" said without a year), "next:6-15" (the next 15 June not yet
    past)."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    following = _NEXT_DATE.match(text)
    if following:
        month = int(following["month"] or following["end"])
        if not 1 <= month <= 12:
            raise PersonaError(f"required_by {value!r}: no month {month}")
        for year in (today.year, today.year + 1):
            last = calendar.monthrange(year, month)[1]
            day = int(following["day"]) if following["day"] else last
            if day > last:
                raise PersonaError(f"required_by {value!r}: no day {day} in month {month}")
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
    match = _RELATIVE_DATE.match(text)
    if match and match["n"]:
        days = int(match["n"]) * (7 if match["unit"] == "w" else 1)
        return today + timedelta(days=days)
    if match:
        months = today.month - 1 + int(match["months"])
        year, month = today.year + months // 12, months % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PersonaError(f"required_by {value!r}: an ISO date or a relative rule") from exc


def load_personas(
    language: str | None = None, only: Iterable[str] = (), directory: Path = PERSONA_DIR
) -> list[Persona]:
    personas: list[Persona] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("personas") or []:
            raw.setdefault("language", data.get("language"))
            personas.append(persona_from_dict(raw))
    names = [p.name for p in personas]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PersonaError(f"duplicate persona names: {duplicates}")
    wanted = set(only)
    if wanted - set(names):
        raise PersonaError(f"no persona named {sorted(wanted - set(names))}")
    return [
        p
        for p in personas
        if (language is None or p.language == language) and (not wanted or p.name in wanted)
    ]


# --------------------------------------------------------------------------- the conversation

Send = Callable[[str | None, str | None], list[dict[str, Any]]]
"""send(text, payload) -> the bot's messages of that turn ({"text", "buttons": [...]})."""


@dataclass
class Turn:
    buyer: str  # what the buyer typed, or "[button title]"
    asked: str | None  # the question kind it answered (None: opening / event / unmapped)
    bot: list[dict[str, Any]]
    note: str = ""


@dataclass
class Conversation:
    persona: Persona
    turns: list[Turn] = field(default_factory=list)
    stated: list[str] = field(default_factory=list)  # fact paths, in the order stated
    reference: str | None = None
    unmapped: int = 0  # bot messages the buyer couldn't match to a question
    unknown: int = 0  # recognised questions about a fact the persona doesn't have
    reasks: int = 0  # the same question asked again right after it was answered
    side_questions: int = 0
    side_answered: int = 0
    nudges: int = 0  # "I'd like a quotation" when the bot hadn't started the RFQ
    error: str = ""

    @property
    def buyer_turns(self) -> int:
        return len(self.turns)

    @property
    def completed(self) -> bool:
        return self.reference is not None


class SimulatedBuyer:
    """Plays one persona against a bot: the opening, then one answer per bot turn."""

    def __init__(
        self, persona: Persona, send: Send, *, phrasebook: Phrasebook | None = None
    ) -> None:
        self.persona = persona
        self.send = send
        self.book = phrasebook or load_phrasebook(persona.language)
        self.conversation = Conversation(persona)
        self.item_index = 0
        self.facts = {p: persona.fact(p) for p in persona.paths()}
        self.pending_events = list(persona.events)
        self.last_asked: str | None = None
        self.in_a_row = 0
        self.rfq_started = False

    # ---- what the buyer has said
    def _state(self, path: str) -> None:
        if path in self.facts and path not in self.conversation.stated:
            self.conversation.stated.append(path)
        fact = self.facts.get(path)
        if fact is not None:
            for other in fact.also_states:
                if other not in self.conversation.stated:
                    self.conversation.stated.append(other)

    def expected(self) -> dict[str, Fact]:
        """The persona's facts after its corrections."""
        return dict(self.facts)

    # ---- the loop
    def run(self, max_turns: int = MAX_TURNS) -> Conversation:
        conv = self.conversation
        try:
            messages = self._say(self.persona.opening, None, asked=None, note="opening")
            for path in self.persona.opening_states:
                self._state(path)
            while conv.reference is None and conv.buyer_turns < max_turns:
                if (stop := self._stopped()) is not None:
                    conv.error = stop
                    break
                event = self._due_event()
                if event is not None:
                    messages = self._event(event)
                    continue
                kind, message = self._question(messages)
                text, payload, note = self._answer(kind, message)
                messages = self._say(text, payload, asked=kind, note=note)
        except Stuck as exc:
            conv.error = str(exc)
        except Exception as exc:  # a failed turn ends the conversation, reported
            conv.error = f"{type(exc).__name__}: {exc}"
        return conv

    def _say(
        self, text: str | None, payload: str | None, *, asked: str | None, note: str = ""
    ) -> list[dict[str, Any]]:
        messages = self.send(text, payload)
        shown = text if payload is None else f"[{text}] ({payload})"
        self.conversation.turns.append(self._turn(shown or "", asked, messages, note))
        for message in messages:
            match = REFERENCE.search(message.get("text") or "")
            if match:
                self.conversation.reference = match.group(0)
        return messages

    # ---- hooks for buyers that behave otherwise (bench/adversarial_buyers.py)
    def _stopped(self) -> str | None:
        """Why the conversation ends before the next turn, if it does."""
        return None

    def _turn(self, buyer: str, asked: str | None, bot: list[dict[str, Any]], note: str) -> Turn:
        return Turn(buyer=buyer, asked=asked, bot=bot, note=note)

    def _due_event(self) -> Event | None:
        """The first event whose fact has been stated (an event fires on the buyer's turn right
        after it, or right after the opening when the opening stated it)."""
        for event in self.pending_events:
            if event.after == "opening" or event.after in self.conversation.stated:
                self.pending_events.remove(event)
                return event
        return None

    def _event(self, event: Event) -> list[dict[str, Any]]:
        conv = self.conversation
        if event.kind == "correction":
            assert event.corrects is not None and event.new is not None
            self.facts[event.corrects] = event.new
            messages = self._say(
                event.say, None, asked=None, note=f"correction of {event.corrects}"
            )
            self._state(event.corrects)
            return messages
        conv.side_questions += 1
        messages = self._say(event.say, None, asked=None, note="side question")
        reply = fold(" ".join(m.get("text") or "" for m in messages))
        if all(any(fold(k) in reply for k in group) for group in event.reply_keywords):
            conv.side_answered += 1
            conv.turns[-1].note += " (answered)"
        else:
            conv.turns[-1].note += " (NOT answered)"
        return messages

    def _question(self, messages: list[dict[str, Any]]) -> tuple[str | None, dict[str, Any]]:
        """The question the bot's turn asks, and the message asking it (latest first)."""
        for message in reversed(messages):
            for button in message.get("buttons") or []:
                if self.book.is_confirm(button.get("title") or ""):
                    return "summary", message
            kind = self.book.classify(message.get("text") or "", expecting=self.last_asked)
            if kind is not None:
                return kind, message
        return None, (messages[-1] if messages else {"text": "", "buttons": []})

    def _answer(
        self, kind: str | None, message: dict[str, Any]
    ) -> tuple[str | None, str | None, str]:
        """(text, payload, note) answering the question; states the fact it gives."""
        conv = self.conversation
        buttons = message.get("buttons") or []
        if kind is not None:
            self.rfq_started = True
            if kind == self.last_asked and kind != "add_item":
                conv.reasks += 1
                self.in_a_row += 1
                if self.in_a_row >= STUCK_AFTER:
                    raise Stuck(f"stuck: the bot asked {kind} {self.in_a_row} times in a row")
            else:
                self.in_a_row = 1
        self.last_asked = kind
        if kind is None:
            button = match_button(buttons, self.book.start_titles, self.book.word_boundaries)
            if button is not None:  # "didn't understand" with a "Request a quotation" button
                conv.nudges += 1
                return button["title"], button["payload"], "nudge: clicked the RFQ button"
            if not self.rfq_started:
                conv.nudges += 1
                return self.book.phrase("start"), None, "nudge: no RFQ question yet"
            conv.unmapped += 1
            return self.book.phrase("fallback"), None, "UNMAPPED"
        if kind == "summary":
            button = next((b for b in buttons if self.book.is_confirm(b.get("title") or "")), None)
            if button is not None:
                return button["title"], button["payload"], "confirm"
            return self.book.phrase("yes"), None, "confirm"
        if kind == "add_item":
            if self.item_index + 1 < len(self.persona.items):
                self.item_index += 1
                item = self.persona.items[self.item_index]
                note = f"add item {self.item_index + 1}"
                if item.add:
                    for fact in item.facts:
                        if fact in ("product", "quantity"):
                            self._state(f"items[{self.item_index}].{fact}")
                    return item.add, None, note
                return (*self._yes_no(True, buttons), note)
            return (*self._no_more(buttons), "no more items")
        path = self._path_for(kind, message.get("text") or "")
        fact = self.facts.get(path)
        if fact is None:
            if kind == "notes":
                return (*self._no_more(buttons, phrase="notes_none"), "no notes")
            conv.unknown += 1
            return self.book.phrase("decline"), None, f"persona has no {kind}"
        self._state(path)
        button = self.choose_button(kind, fact, buttons)
        if button is not None:
            return button["title"], button["payload"], path
        text = message.get("text") or ""
        says: list[str] = []
        covered: set[str] = set()
        for other in self.book.asked_together(kind, text):
            other_path = self._path_for(other, text)
            other_fact = self.facts.get(other_path)
            if other_fact is None or other_path in covered:
                continue
            says.append(other_fact.say)
            covered |= {other_path, *other_fact.also_states}
            self._state(other_path)
        note = path if len(says) == 1 else f"{path} + {len(says) - 1} more asked with it"
        return self.book.separator.join(says), None, note

    def _path_for(self, kind: str, question: str) -> str:
        if kind not in ITEM_FACTS:
            return kind
        folded = fold(question)
        for i, item in enumerate(self.persona.items):
            product = item.facts.get("product")
            expect = product.expect if product is not None else None
            if isinstance(expect, str) and fold(expect) in folded:
                return f"items[{i}].{kind}"
        return f"items[{self.item_index}].{kind}"

    def _yes_no(self, value: bool, buttons: list[dict[str, Any]]) -> tuple[str, str | None]:
        titles = self.book.yes_titles if value else self.book.no_titles
        button = match_button(buttons, titles, self.book.word_boundaries)
        if button is not None:
            return button["title"], button["payload"]
        return self.book.phrase("yes" if value else "no"), None

    def _no_more(
        self, buttons: list[dict[str, Any]], phrase: str = "no_more_items"
    ) -> tuple[str, str | None]:
        button = match_button(buttons, self.book.no_titles, self.book.word_boundaries)
        if button is not None:
            return button["title"], button["payload"]
        return self.book.phrase(phrase), None

    def choose_button(
        self, kind: str, fact: Fact, buttons: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The button whose title matches the fact, or None (then the buyer types)."""
        if not buttons:
            return None
        if kind == "product" and isinstance(fact.expect, str):
            sku = re.compile(rf"(?<![\w-]){re.escape(fact.expect)}(?![\w-])", re.I)
            for button in buttons:
                if sku.search(button.get("title") or "") or sku.search(button.get("payload") or ""):
                    return button
        if kind == "certifications" and isinstance(fact.expect, list):
            wanted = {fold(c) for c in fact.expect}
            for button in buttons:
                words = set(fold(button.get("title") or "").split()) - {"and", "or"}
                if words == wanted:
                    return button
            return None  # "CE + RoHS" is not "CE, RoHS and ENEC": type it
        candidates: list[str] = []
        if fact.button:
            candidates.append(fact.button)
        value = fact.expect
        if isinstance(value, bool):
            candidates += self.book.yes_titles if value else self.book.no_titles
        elif isinstance(value, str):
            candidates += self.book.button_aliases.get(kind, {}).get(value, ())
            if kind in ("incoterm", "payment_terms", "business_type"):
                candidates.append(value.replace("_", " "))
        candidates.append(fact.say)
        return match_button(buttons, candidates, self.book.word_boundaries)


def match_button(
    buttons: list[dict[str, Any]], candidates: Iterable[str], spaced: bool = True
) -> dict[str, Any] | None:
    """The first candidate that names a button: the same words, or the title starting with the
    candidate's words ("CIF" -> "CIF (cost, insurance, freight)"), or the candidate starting with
    the title's ("Distributor, mostly retail chains" -> "Distributor"). ``spaced`` False: the
    language has no spaces between words ("T/T电汇" starts with "T/T")."""
    titled = [(fold(b.get("title") or ""), b) for b in buttons]
    folded = [fold(c) for c in candidates if c]
    for candidate in folded:
        for title, button in titled:
            if title == candidate:
                return button
    for candidate in folded:
        for title, button in titled:
            if _starts_with_words(title, candidate, spaced):
                return button
    for candidate in folded:
        for title, button in titled:
            if len(title) >= 2 and _starts_with_words(candidate, title, spaced):
                return button
    return None


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class FieldCheck:
    field: str  # "items[0].quantity", "destination.country", "buyer.email"
    expected: Any
    actual: Any
    ok: bool


_ORDER_FIELDS = {
    "incoterm": "incoterm",
    "required_by": "required_by",
    "payment_terms": "payment_terms",
    "sample_requested": "sample_requested",
    "company": "buyer.company",
    "contact_name": "buyer.contact_name",
    "email": "buyer.email",
    "phone": "buyer.phone",
    "business_type": "buyer.business_type",
    "buyer_country": "buyer.country",
    "notes": "notes",
}


def _get(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _same_text(expected: Any, actual: Any) -> bool:
    return actual is not None and fold(str(expected)) == fold(str(actual))


def _same_number(expected: Any, actual: Any) -> bool:
    a, b = _decimal(expected), _decimal(actual)
    return a is not None and b is not None and a == b


def _compare(kind: str, expected: Any, actual: Any) -> bool:
    if kind in ("company", "contact_name"):
        return _same_text(expected, actual)
    if kind == "email":
        return isinstance(actual, str) and actual.strip().lower() == str(expected).lower()
    if kind == "payment_terms":
        # the code, possibly followed by detail ("TT 30/70")
        return (
            isinstance(actual, str) and actual.split()[0].upper() == expected if actual else False
        )
    if kind == "notes":
        return isinstance(actual, str) and fold(expected) in fold(actual)
    return actual == expected


def _match_items(
    expected_items: dict[int, dict[str, Fact]], stored: list[dict[str, Any]]
) -> dict[int, dict[str, Any] | None]:
    """Expected item index -> stored item: the one with the expected SKU, else the same position."""
    used: set[int] = set()
    out: dict[int, dict[str, Any] | None] = {}
    for index, facts in sorted(expected_items.items()):
        sku = facts["product"].expect if "product" in facts else None
        for pos, item in enumerate(stored):
            if pos not in used and sku and str(item.get("sku") or "").upper() == sku:
                out[index] = item
                used.add(pos)
                break
    for index in sorted(expected_items):
        if index in out:
            continue
        if index < len(stored) and index not in used:
            out[index] = stored[index]
            used.add(index)
        else:
            free = next((p for p in range(len(stored)) if p not in used), None)
            out[index] = stored[free] if free is not None else None
            if free is not None:
                used.add(free)
    return out


def score(
    facts: dict[str, Fact], stated: Iterable[str], record: dict[str, Any], today: date
) -> list[FieldCheck]:
    """Compare each stated fact's expected value with the stored Inquiry record."""
    stated = [p for p in stated if p in facts]
    checks: list[FieldCheck] = []
    by_item: dict[int, dict[str, Fact]] = {}
    for path in stated:
        kind, index = parse_path(path)
        if index is not None:
            by_item.setdefault(index, {})[kind] = facts[path]
    matched = _match_items(by_item, list(record.get("items") or []))
    for path in stated:
        kind, index = parse_path(path)
        fact = facts[path]
        if fact.expect is None:
            continue
        expected = fact.expect
        if index is not None:
            item = matched.get(index) or {}
            prefix = f"items[{index}]"
            if kind == "product":
                actual = item.get("sku")
                checks.append(
                    FieldCheck(f"{prefix}.sku", expected, actual, _same_text(expected, actual))
                )
            elif kind == "quantity":
                actual_q, actual_u = item.get("quantity"), item.get("unit")
                checks.append(
                    FieldCheck(
                        f"{prefix}.quantity",
                        expected["quantity"],
                        actual_q,
                        _same_number(expected["quantity"], actual_q),
                    )
                )
                checks.append(
                    FieldCheck(
                        f"{prefix}.unit", expected["unit"], actual_u, actual_u == expected["unit"]
                    )
                )
            elif kind == "certifications":
                actual = item.get("certifications")
                ok = isinstance(actual, list) and {str(c).upper() for c in actual} == {
                    c.upper() for c in expected
                }
                checks.append(FieldCheck(f"{prefix}.certifications", sorted(expected), actual, ok))
            elif kind == "target_price":
                actual = item.get("target_price")
                ok = (
                    isinstance(actual, dict)
                    and _same_number(expected["amount"], actual.get("amount"))
                    and actual.get("currency") == expected["currency"]
                )
                shown = f"{expected['amount']} {expected['currency']}"
                checks.append(FieldCheck(f"{prefix}.target_price", shown, actual, ok))
            continue
        if kind == "destination":
            destination = record.get("destination") or {}
            actual = destination.get("country")
            checks.append(
                FieldCheck(
                    "destination.country",
                    expected["country"],
                    actual,
                    actual == expected["country"],
                )
            )
            if expected.get("place"):
                actual = destination.get("place")
                checks.append(
                    FieldCheck(
                        "destination.place",
                        expected["place"],
                        actual,
                        _same_text(expected["place"], actual),
                    )
                )
            continue
        if kind == "required_by":
            expected = resolve_date(expected, today).isoformat()
        dotted = _ORDER_FIELDS[kind]
        actual = _get(record, dotted)
        checks.append(FieldCheck(dotted, expected, actual, _compare(kind, expected, actual)))
    return checks


# --------------------------------------------------------------------------- totals


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (pct in 0..100) or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]
