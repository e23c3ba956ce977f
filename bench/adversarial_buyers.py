"""Adversarial buyers: random RFQ conversations that try to break the assistant.

Unlike the friendly personas (``bench/personas/*.yaml``), these buyers are generated from a
seed: facts drawn from the demo catalog and from the per-language phrasings of
``bench/adversarial/<language>.yaml`` (quantities "5,000 pcs", "2,5k", "五千个"; ports and
cities; Incoterms with a loading port; future dates; payment terms; certifications, sometimes a
national scheme we don't know; contacts with legal forms; target prices), and a few
behaviours each (see ``BEHAVIOURS``): facts volunteered early, partial answers to a grouped
question, declines, corrections (also at the summary), unknown values, typos, terse answers,
long mixed messages, several products at once, side questions, mixed scripts.

Each buyer talks to the chat API and the real engine (``bench/simulated_buyer.py`` matches the
bot's questions); then the transcript and the stored inquiry (staff API) are checked:

1. destroyed: the bot said it discarded the request (``responses.utter_rfq_discarded`` of any
   language) although the buyer never asked for it;
2. unanswered: a buyer message in mode "bot" that got no message back;
3. loop: the same question (same text, or the same fields per the phrasebook) more than twice
   in a row;
4. false_name / false_company: a stored contact name or company the buyer never stated;
5. completion: a reference RFQ-YYYY-NNNNNN given and the inquiry found;
6. fields: per stated fact, the record holds it (``score``).

    .venv/bin/python bench/adversarial_buyers.py --count 120 --seed 1 --concurrency 4
    .venv/bin/python bench/adversarial_buyers.py --count 24 --languages en,zh --url URL \\
        --staff-token TOKEN --transcripts /tmp/adv

Transcripts of failing conversations go to ``test-artifacts/adversarial/`` (``--transcripts``).
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.rfq_personas import ChatTransport, checks_and_record  # noqa: E402
from bench.simulated_buyer import (  # noqa: E402
    ITEM_FACTS,
    Conversation,
    Event,
    Fact,
    FieldCheck,
    Item,
    Persona,
    Phrasebook,
    SimulatedBuyer,
    Stuck,
    Turn,
    canonical_path,
    fold,
    load_phrasebook,
    question_parts,
    score,
)

DATA_DIR = Path(__file__).resolve().parent / "adversarial"
CATALOG = ROOT / "knowledge" / "demo" / "products.yaml"
MESSAGES = ROOT / "i18n" / "messages"
ARTIFACTS = ROOT / "test-artifacts" / "adversarial"

LANGUAGES = ("en", "zh", "es", "de", "pt", "fr")
BEHAVIOURS = (
    "volunteer",  # facts in the opening and alongside other answers, in any order
    "partial_group",  # only part of a grouped question (just the email, just the place)
    "decline",  # "no phone number, thanks", "no target price"
    "correction",  # "Actually, change the quantity to 2,500 pieces" after a fact
    "summary_correction",  # "change the tubes to 10k" at the summary
    "unknown_value",  # a certification scheme we don't list (RETIE, SEC...)
    "typo",  # "flood lites", "Downligts"
    "terse",  # one-word answers, a one-word opening
    "long_mixed",  # a long opening, chit-chat around answers, typed instead of clicked
    "multi_product",  # 2-3 products in the opening, by model and by description
    "side_question",  # "what is the IP rating of X?" mid-form
    "mixed_script",  # a company name in another script (Han in English, Latin in Chinese)
    "small_talk",  # "thanks!", "hello again", "is this a bot?", "bye for now" mid-form
    "repeat",  # "sorry, what was that?" mid-form
    "clarification",  # "change the quantity to 2,500" with several products: which one?
)
VIOLATIONS = ("destroyed", "unanswered", "loop", "false_name", "false_company")
MAX_TURNS = 40
CONTACT = ("company", "contact_name", "email", "phone", "business_type")
# Facts a buyer can drop into any message: each reads as itself ("delivery to Hamburg").
VOLUNTEERABLE = (
    "destination",
    "incoterm",
    "required_by",
    "payment_terms",
    "certifications",
    "sample_requested",
    "email",
    "phone",
)


class DataError(ValueError):
    """A file of bench/adversarial/ that doesn't follow the format."""


# --------------------------------------------------------------------------- data


@cache
def load_language(language: str, directory: Path = DATA_DIR) -> dict[str, Any]:
    path = directory / f"{language}.yaml"
    if not path.exists():
        raise DataError(f"no adversarial data for language {language!r} ({path})")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("language") != language:
        raise DataError(f"{path}: language must be {language!r}")
    catalog = catalog_products()
    for product in data.get("products") or []:
        sku = product.get("sku")
        if sku not in catalog:
            raise DataError(f"{path}: {sku!r} is not a demo SKU")
        if int(catalog[sku].get("moq") or 0) > 1000:
            raise DataError(f"{path}: {sku} has an MOQ over 1,000 pcs")
    return data


@cache
def catalog_products() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8")) or {}
    return {str(p["sku"]): p for p in data.get("products") or []}


@cache
def discard_texts() -> tuple[str, ...]:
    """utter_rfq_discarded of every language, folded."""
    out = []
    for language in LANGUAGES:
        path = MESSAGES / language / "responses.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        value = data.get("utter_rfq_discarded")
        text = value.get("text") if isinstance(value, dict) else value
        if text:
            out.append(fold(str(text)))
    return tuple(out)


@cache
def discard_titles() -> frozenset[str]:
    """Folded titles of the buttons that cancel or discard a request, in every language."""
    titles: set[str] = set()
    for language in LANGUAGES:
        path = MESSAGES / language / "rfq.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for value in (
            (data.get("button") or {}).get("cancel"),
            (data.get("repair") or {}).get("button_discard"),
        ):
            if value:
                titles.add(fold(str(value)))
    return frozenset(titles)


@cache
def go_on_titles() -> frozenset[str]:
    """Folded titles of the buttons that go on with the request ("No, let's go on")."""
    titles: set[str] = set()
    for language in LANGUAGES:
        path = MESSAGES / language / "rfq.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for value in (
            (data.get("button") or {}).get("go_on"),
            (data.get("repair") or {}).get("button_keep"),
        ):
            if value:
                titles.add(fold(str(value)))
    return frozenset(titles)


def side_answer_keyword(sku: str, attribute: str) -> str:
    """A word the answer to "what is the <attribute> of <sku>?" must contain."""
    value = catalog_products()[sku].get(attribute)
    if attribute == "ip_rating":
        match = re.search(r"IP\d\d", str(value))
        return match.group(0) if match else str(value)
    return str(value)


# --------------------------------------------------------------------------- generation


@dataclass
class Case:
    """One generated buyer: the persona (facts, opening, events) and what it does to the bot."""

    name: str
    seed: int
    index: int
    language: str
    behaviours: tuple[str, ...]
    persona: Persona
    retries: dict[str, Fact] = field(default_factory=dict)  # path -> said when asked again
    # path -> a certification scheme we don't list that the buyer names there: the record may
    # keep it as written, besides the known codes
    unknown_schemes: dict[str, str] = field(default_factory=dict)
    partial: str | None = None  # "email" / "phone": the only contact fact given at first
    partial_where: bool = False  # only the place when asked where and by when
    decline_phone: str | None = None  # what the buyer says instead of a phone number
    declines_target: str | None = None  # "no target price": in the opening, or when asked
    target_declined_early: bool = False  # said in the opening
    summary_correction: tuple[str, str, Fact] | None = None  # (text, path, new fact)
    incoterm_after_move: Fact | None = None  # the Incoterm naming the corrected destination
    fillers: tuple[str, ...] = ()  # chit-chat added to answers
    typing: bool = False  # types answers even when a button fits
    volunteer_rate: float = 0.0  # chance of adding an unasked fact to an answer
    filler_rate: float = 0.0
    clarify_item: int | None = None  # the item a count correction naming no product is for


def _pick(rng: random.Random, options: Sequence[Any]) -> Any:
    if not options:
        raise DataError("nothing to draw from")
    return options[rng.randrange(len(options))]


def _fill(template: str, **slots: Any) -> str:
    return template.format(**slots)


def _date_fact(data: dict[str, Any], rng: random.Random, today: date, terse: bool) -> Fact:
    dates = data["dates"]
    day = today + timedelta(days=rng.randrange(100, 330))
    if not terse and rng.random() < 0.25:
        last = calendar.monthrange(day.year, day.month)[1]
        day = date(day.year, day.month, last)
        template = _pick(rng, dates["end_of"])
    else:
        day = date(day.year, day.month, min(day.day, 28))
        template = _pick(rng, dates["terse"] if terse else dates["formats"])
    month = dates["months"][day.month - 1]
    say = _fill(template, day=day.day, month=month, m=day.month, year=day.year)
    return Fact(say=say, expect=day.isoformat())


def _contact_facts(data: dict[str, Any], rng: random.Random, mixed_script: bool) -> dict[str, Fact]:
    contacts = data["contacts"]
    person = _pick(rng, contacts["names"])
    companies = contacts["other_script_companies"] if mixed_script else contacts["companies"]
    company = _pick(rng, companies)
    email = f"{person['user']}@{company['domain']}"
    phone = _pick(rng, contacts["phones"])
    return {
        "contact_name": Fact(say=person["name"], expect=person["name"]),
        "company": Fact(say=company["name"], expect=company["name"]),
        "email": Fact(say=email, expect=email),
        "phone": Fact(say=phone["say"], expect=phone["e164"]),
    }


def draw_behaviours(rng: random.Random) -> tuple[str, ...]:
    count = rng.choice((2, 3, 3, 4))
    chosen = rng.sample(BEHAVIOURS, count)
    if "clarification" in chosen:  # a count correction among several products
        needed = ["clarification", "multi_product", "correction"]
        chosen = needed + [b for b in chosen if b not in needed][: max(0, count - 3)]
    return tuple(sorted(chosen, key=BEHAVIOURS.index))


def generate(
    seed: int,
    index: int,
    language: str | None = None,
    *,
    languages: Sequence[str] = LANGUAGES,
    behaviours: Iterable[str] | None = None,
    today: date | None = None,
) -> Case:
    """The ``index``-th buyer of run ``seed``: the same seed, index and day give the same buyer.

    The language is ``languages[index % len(languages)]`` unless given; the behaviours are
    drawn (2-4) unless given."""
    rng = random.Random(f"adversarial:{seed}:{index}")
    today = today or date.today()
    language = language or languages[index % len(languages)]
    data = load_language(language)
    chosen = draw_behaviours(rng) if behaviours is None else tuple(behaviours)
    unknown = set(chosen) - set(BEHAVIOURS)
    if unknown:
        raise DataError(f"unknown behaviours {sorted(unknown)}")
    has = set(chosen).__contains__
    terse = has("terse")

    def say(entry: dict[str, Any]) -> str:
        """An entry's answer: its terse form most of the time for a terse buyer."""
        if terse and entry.get("terse") and rng.random() < 0.8:
            return str(entry["terse"])
        return str(entry["say"])

    retries: dict[str, Fact] = {}  # path -> what the buyer says when asked the same again

    def rephrase(path: str, entry: dict[str, Any], said: str, fact: Fact, **slots: Any) -> Fact:
        """Register the entry's other wording (terse or full) as the answer to a repeated
        question; return ``fact``."""
        other = entry.get("terse") if said != entry.get("terse") else entry.get("say")
        if other and other != said:
            retries[path] = Fact(say=str(other).format(**slots), expect=fact.expect)
        return fact

    # ---- products
    n_items = rng.choice((2, 2, 3)) if has("multi_product") else 1
    pool = list(data["products"])
    rng.shuffle(pool)
    if has("typo"):  # the first product is one with typing mistakes on file
        pool.sort(key=lambda product: not product.get("typo"))
    picked: list[dict[str, Any]] = []
    for product in pool:
        if all(product["word"] != p["word"] for p in picked):
            picked.append(product)
        if len(picked) == n_items:
            break
    items: list[Item] = []
    names: list[str] = []
    for i, product in enumerate(picked):
        ways = ["model"]
        if product.get("describe"):
            ways.append("describe")
        if has("typo") and product.get("typo"):
            ways = ["typo"] if i == 0 else [*ways, "typo"]
        way = _pick(rng, ways)
        name = product["sku"] if way == "model" else _pick(rng, product[way])
        names.append(name)
        quantities = data["quantities"]
        if rng.random() < 0.15:
            quantities = data["containers"]
        q = _pick(rng, quantities)
        said = say(q)
        quantity = Fact(say=said, expect={"quantity": q["quantity"], "unit": q["unit"]})
        facts = {
            "product": Fact(say=name, expect=product["sku"]),
            "quantity": rephrase(f"items[{i}].quantity", q, said, quantity),
        }
        items.append(Item(facts=facts))

    # ---- order facts
    destination = _pick(rng, data["destinations"])
    incoterm = _pick(rng, data["incoterms"])
    places = {"place": destination["terse"], "port": _pick(rng, data["loading_ports"])}
    incoterm_said = say(incoterm)
    payment = _pick(rng, data["payment_terms"])
    destination_said, payment_said = say(destination), say(payment)
    sample = rng.random() < 0.5
    sample_key = ("terse_" if terse and rng.random() < 0.8 else "") + ("yes" if sample else "no")
    business = _pick(rng, data["business_types"])
    business_said = say(business)
    place = {"country": destination["country"], "place": destination["place"]}
    facts: dict[str, Fact] = {
        "destination": rephrase(
            "destination", destination, destination_said, Fact(say=destination_said, expect=place)
        ),
        "incoterm": rephrase(
            "incoterm",
            incoterm,
            incoterm_said,
            Fact(
                say=incoterm_said.format(**places), expect=incoterm["code"], button=incoterm["code"]
            ),
            **places,
        ),
        "required_by": _date_fact(data, rng, today, terse),
        "payment_terms": rephrase(
            "payment_terms", payment, payment_said, Fact(say=payment_said, expect=payment["code"])
        ),
        "sample_requested": Fact(say=_pick(rng, data["samples"][sample_key]), expect=sample),
        "business_type": rephrase(
            "business_type",
            business,
            business_said,
            Fact(say=business_said, expect=business["code"]),
        ),
        **_contact_facts(data, rng, has("mixed_script")),
    }

    certs = data["certifications"]
    unknown_schemes: dict[str, str] = {}
    if has("unknown_value"):
        scheme = _pick(rng, certs["unknown_schemes"])
        retry = Fact(say=certs["retry"]["say"], expect=list(certs["retry"]["codes"]))
        if rng.random() < 0.5:
            cert = Fact(say=_pick(rng, certs["with_unknown"]).format(scheme=scheme), expect=["CE"])
        else:
            cert = Fact(say=_pick(rng, certs["only_unknown"]).format(scheme=scheme), expect=[])
        retries["items[0].certifications"] = retry  # said when the bot asks again
        unknown_schemes["items[0].certifications"] = scheme
    else:
        known = _pick(rng, certs["known"])
        said = say(known)
        # a terse buyer names one code ("ENEC" for "CE, RoHS and ENEC")
        codes = [said.upper()] if said == known.get("terse") else list(known["codes"])
        cert = Fact(say=said, expect=codes)
    items[0].facts["certifications"] = cert

    case = Case(
        name=f"adv-{seed}-{index:04d}-{language}",
        seed=seed,
        index=index,
        language=language,
        behaviours=chosen,
        persona=Persona(
            name=f"adv-{seed}-{index:04d}-{language}",
            language=language,
            description="adversarial buyer: " + ", ".join(chosen),
            opening="",
            opening_states=(),
            items=items,
            facts=facts,
        ),
        retries=retries,
        unknown_schemes=unknown_schemes,
        typing=has("long_mixed") or rng.random() < 0.3,
        fillers=tuple(data.get("fillers") or ()) if has("long_mixed") else (),
        filler_rate=0.35 if has("long_mixed") else 0.0,
        volunteer_rate=0.35 if has("volunteer") else 0.0,
    )

    # ---- declines
    if has("decline"):
        del facts["phone"]
        case.decline_phone = _pick(rng, data["declines"]["phone"])
        if rng.random() < 0.5:
            case.declines_target = _pick(rng, data["declines"]["target_price"])
            case.target_declined_early = rng.random() < 0.5
    elif has("volunteer") and rng.random() < 0.5:
        price = _pick(rng, data["target_prices"])
        items[0].facts["target_price"] = Fact(
            say=price["say"], expect={"amount": price["amount"], "currency": price["currency"]}
        )

    # ---- partial answers
    if has("partial_group"):
        case.partial = "phone" if "phone" in facts and rng.random() < 0.3 else "email"
        case.partial_where = rng.random() < 0.5

    # ---- the opening
    opening_states: list[str] = []
    sentences: list[str] = []
    openings = data["openings"]
    if has("terse") and not has("multi_product") and not has("volunteer"):
        opening = _pick(rng, openings["terse"])
    else:
        with_quantity = has("multi_product") or rng.random() < 0.6
        parts = []
        for i, item in enumerate(items):
            product, quantity = item.facts["product"], item.facts["quantity"]
            if with_quantity:
                parts.append(
                    _pick(rng, data["item"]).format(quantity=quantity.say, product=product.say)
                )
                opening_states += [f"items[{i}].product", f"items[{i}].quantity"]
            else:
                parts.append(product.say)
                opening_states.append(f"items[{i}].product")
            if not has("multi_product"):
                break
        listed = parts[0]
        if len(parts) > 1:
            listed = data["separator"].join(parts[:-1]) + data["list_and"] + parts[-1]
        kind = "long" if has("long_mixed") else "plain"
        opening = _pick(rng, openings[kind]).format(items=listed)
        if has("volunteer") or has("long_mixed"):
            order = [k for k in VOLUNTEERABLE if k not in CONTACT]
            rng.shuffle(order)
            for kind_ in order[: rng.randrange(2, 5)]:
                path = "items[0].certifications" if kind_ == "certifications" else kind_
                sentences.append(volunteer_sentence(data, kind_, case, path, rng))
                opening_states.append(path)
            if "target_price" in items[0].facts:
                sentences.append(items[0].facts["target_price"].say)
                opening_states.append("items[0].target_price")
        if case.declines_target and case.target_declined_early:
            sentences.append(case.declines_target)
        if has("long_mixed") and case.fillers:
            sentences.append(_pick(rng, case.fillers))
    if sentences:
        opening = join_sentences(data, language, [opening, *sentences])
    case.persona.opening = opening
    case.persona.opening_states = tuple(canonical_path(p) for p in opening_states)

    # ---- events: corrections, side questions
    events: list[Event] = []
    if has("correction"):
        events.append(_correction(data, rng, case, facts, items, today))
    if has("side_question"):
        question = _pick(rng, data["side_questions"])
        sku = items[rng.randrange(len(items))].facts["product"].expect
        after = _pick(rng, ["opening", "items[0].quantity", "destination", "incoterm"])
        events.append(
            Event(
                after=after,
                say=question["say"].format(sku=sku),
                kind="side_question",
                reply_keywords=((side_answer_keyword(sku, question["attribute"]),),),
            )
        )
    for behaviour in ("small_talk", "repeat"):
        if has(behaviour):
            after = _pick(rng, ["opening", "items[0].quantity", "destination", "incoterm"])
            events.append(Event(after=after, say=_pick(rng, data[behaviour]), kind="side_question"))
    case.persona.events = events
    if has("summary_correction"):
        i = rng.randrange(len(items))
        old = items[i].facts["quantity"]
        new = _other_quantity(data, rng, old)
        word = picked[i]["word"]
        text = _pick(rng, data["corrections"]["summary"]).format(word=word, new=new.say)
        case.summary_correction = (text, f"items[{i}].quantity", new)
    return case


def join_sentences(data: dict[str, Any], language: str, parts: Sequence[str]) -> str:
    """Sentences as one message: each capitalised and ended with a stop unless it has one."""
    stop = "。" if language == "zh" else "."
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        part = part[:1].upper() + part[1:]
        if part[-1] not in ".!?。！？":
            part += stop
        out.append(part)
    return data["sentence_joiner"].join(out)


def _other_quantity(data: dict[str, Any], rng: random.Random, old: Fact) -> Fact:
    options = [q for q in data["quantities"] if q["quantity"] != old.expect["quantity"]]
    q = _pick(rng, options)
    return Fact(say=q["say"], expect={"quantity": q["quantity"], "unit": q["unit"]})


def _correction(
    data: dict[str, Any],
    rng: random.Random,
    case: Case,
    facts: dict[str, Fact],
    items: list[Item],
    today: date,
) -> Event:
    what = _pick(rng, ["quantity", "quantity", "destination", "required_by", "incoterm"])
    clarify = "clarification" in case.behaviours and len(items) > 1
    if clarify:
        what = "quantity"  # of which product, the bot has to ask
    elif what == "quantity" and len(items) > 1:
        what = "destination"  # "change the quantity" would not say of which product
    templates = data["corrections"][what]
    if what == "quantity":
        i = rng.randrange(len(items)) if clarify else 0
        old = items[i].facts["quantity"]
        new = _other_quantity(data, rng, old)
        path = f"items[{i}].quantity"
        if clarify:
            case.clarify_item = i
            templates = [t for t in templates if "{old}" not in t]
    elif what == "destination":
        old = facts["destination"]
        options = [d for d in data["destinations"] if d["place"] != old.expect["place"]]
        d = _pick(rng, options)
        new = Fact(say=d["say"], expect={"country": d["country"], "place": d["place"]})
        path = "destination"
        before = next(e for e in data["destinations"] if e["place"] == old.expect["place"])
        incoterm = facts["incoterm"]
        if before["terse"] in incoterm.say:  # "CIF Casablanca" becomes "CIF Abidjan"
            case.incoterm_after_move = Fact(
                say=incoterm.say.replace(before["terse"], d["terse"]),
                expect=incoterm.expect,
                button=incoterm.button,
            )
    elif what == "required_by":
        old = facts["required_by"]
        new = _date_fact(data, rng, today + timedelta(days=15), terse=False)
        path = "required_by"
    else:
        old = facts["incoterm"]
        options = [t for t in data["incoterms"] if t["code"] != old.expect and "{" not in t["say"]]
        t = _pick(rng, options)
        new = Fact(say=t["terse"], expect=t["code"], button=t["code"])
        path = "incoterm"
    text = _pick(rng, templates).format(new=new.say, old=old.say)
    return Event(after=path, say=text, kind="correction", corrects=path, new=new)


def volunteer_sentence(
    data: dict[str, Any], kind: str, case: Case, path: str, rng: random.Random
) -> str:
    """How the buyer says fact ``path`` unasked ("delivery to Hamburg, Germany")."""
    fact = case.persona.fact(path)
    assert fact is not None
    sentences = data["sentences"]
    if kind == "sample_requested":
        return _pick(
            rng, sentences["sample_requested_yes" if fact.expect else "sample_requested_no"]
        )
    return _pick(rng, sentences[kind]).format(say=fact.say)


def generate_many(
    count: int,
    seed: int,
    languages: Sequence[str] = LANGUAGES,
    today: date | None = None,
) -> list[Case]:
    return [generate(seed, i, languages=languages, today=today) for i in range(count)]


# --------------------------------------------------------------------------- the buyer


@dataclass
class AdvTurn(Turn):
    mode: str = "bot"  # the session's mode after the turn


def _volunteer_path(kind: str) -> str:
    return "items[0].certifications" if kind == "certifications" else kind


class AdversarialBuyer(SimulatedBuyer):
    """A SimulatedBuyer that misbehaves as its case says."""

    def __init__(
        self, case: Case, send: Callable[[str | None, str | None], list[dict[str, Any]]]
    ) -> None:
        super().__init__(case.persona, send, phrasebook=load_phrasebook(case.language))
        self.case = case
        self.data = load_language(case.language)
        self.rng = random.Random(f"buyer:{case.seed}:{case.index}")
        self.partial_done = False
        self.where_done = False
        self.summary_corrected = False
        self.phone_declined = False
        self.mode = "bot"
        self.retries = dict(case.retries)
        self.target_declined = False

    # ---- the loop ends when a person takes over; each turn remembers the mode after it
    def _stopped(self) -> str | None:
        return None if self.mode == "bot" else f"handed off (mode {self.mode})"

    def _turn(self, buyer: str, asked: str | None, bot: list[dict[str, Any]], note: str) -> Turn:
        self.mode = str(getattr(self.send, "last_mode", None) or "bot")
        return AdvTurn(buyer=buyer, asked=asked, bot=bot, note=note, mode=self.mode)

    # ---- bookkeeping the parent does in _answer, for the answers written here
    def _track(self, kind: str) -> None:
        conv = self.conversation
        self.rfq_started = True
        if kind == self.last_asked and kind != "add_item":
            conv.reasks += 1
            self.in_a_row += 1
            if self.in_a_row >= 6:
                raise Stuck(f"stuck: the bot asked {kind} {self.in_a_row} times in a row")
        else:
            self.in_a_row = 1
        self.last_asked = kind

    def choose_button(
        self, kind: str, fact: Fact, buttons: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        if self.case.typing:
            return None
        return super().choose_button(kind, fact, buttons)

    def _answer(
        self, kind: str | None, message: dict[str, Any]
    ) -> tuple[str | None, str | None, str]:
        text = message.get("text") or ""
        again = kind is not None and kind == self.last_asked
        # this buyer never discards its request: those buttons are not there for it
        message = {
            **message,
            "buttons": [
                b
                for b in message.get("buttons") or []
                if fold(b.get("title") or "") not in discard_titles()
            ],
        }
        if kind == "summary" and self.case.summary_correction and not self.summary_corrected:
            self._track(kind)
            self.summary_corrected = True
            said, path, new = self.case.summary_correction
            self.facts[path] = new
            self._state(path)
            return said, None, f"correction of {path} at the summary"
        if kind is None:
            go_on = [b for b in message["buttons"] if fold(b.get("title") or "") in go_on_titles()]
            if go_on:  # "Would you like a colleague to help you?": no, the buyer goes on
                return go_on[0]["title"], go_on[0]["payload"], "go on"
        if kind == "which_item":
            self._track(kind)
            i = self.case.clarify_item
            product = self.persona.items[i or 0].facts["product"]
            return product.say, None, f"which product: items[{i}]"
        if kind == "add_item" and "multi_product" in self.case.behaviours:
            self._track(kind)
            return (*self._no_more(message.get("buttons") or []), "no more items: all named")
        if kind is not None and kind not in ("summary", "add_item"):
            path = self._path_for(kind, text)
            if again and path in self.retries and self.facts.get(path) is not None:
                self.facts[path] = self.retries.pop(path)  # says it another way
            group = self.book.asked_together(kind, text)
            if kind in CONTACT and (len(group) > 1 or kind == "phone"):
                return self._contact_answer(kind, group)
            if (
                self.case.partial_where
                and not self.where_done
                and {"destination", "required_by"} <= set(group)
                and "destination" in self.facts
            ):
                self.where_done = True
                self._track(kind)
                self._state("destination")
                return self._decorate(self.facts["destination"].say), None, "only the place"
        said, payload, note = super()._answer(kind, message)
        if payload is None and said and kind not in (None, "summary", "add_item"):
            declines = self.case.declines_target
            if (
                declines
                and not self.case.target_declined_early
                and not self.target_declined
                and self.book.mentions("target_price", text)
                and "items[0].target_price" not in self.facts
            ):
                self.target_declined = True
                said = self.book.separator.join([said, declines])
                note += " + declined the target price"
            said = self._decorate(said)
        return said, payload, note

    def _contact_answer(self, kind: str, group: list[str]) -> tuple[str, None, str]:
        """The answer to the contact question: partial the first time for a partial buyer, a
        decline of the phone, sometimes one sentence ("I'm Jana from X, email ...")."""
        self._track(kind)
        text_parts: list[str] = []
        note = "contact"
        wanted = [k for k in group if k in self.facts]
        only = self.case.partial
        if only and not self.partial_done and len(group) > 1 and only in wanted:
            self.partial_done = True
            self._state(only)
            return self.facts[only].say, None, f"partial: only {only}"
        sentence_kinds = {"contact_name", "company", "email"}
        templates = self.data.get("contact_sentences") or []
        if sentence_kinds <= set(wanted) and templates and self.rng.random() < 0.5:
            template = self.rng.choice(templates)
            text_parts.append(
                template.format(**{k: self.facts[k].say for k in sorted(sentence_kinds)})
            )
            for k in sorted(sentence_kinds):
                self._state(k)
            wanted = [k for k in wanted if k not in sentence_kinds]
            note = "contact sentence"
        for k in wanted:
            text_parts.append(self.facts[k].say)
            self._state(k)
        phone_asked = "phone" in group or kind == "phone"
        if phone_asked and "phone" not in self.facts and self.case.decline_phone:
            text_parts.append(self.case.decline_phone)
            self.phone_declined = True
            note += " + declined the phone"
        elif kind == "phone" and "phone" not in self.facts:
            text_parts.append(self.case.decline_phone or self.book.phrase("decline"))
            self.phone_declined = True
        if not text_parts:
            self.conversation.unknown += 1
            return self.book.phrase("decline"), None, f"nothing to give for {kind}"
        return self.book.separator.join(text_parts), None, note

    def _event(self, event: Event) -> list[dict[str, Any]]:
        messages = super()._event(event)
        moved = self.case.incoterm_after_move
        if event.corrects == "destination" and moved and "incoterm" not in self.conversation.stated:
            self.facts["incoterm"] = moved  # its named place follows the new destination
        return messages

    def _question(self, messages: list[dict[str, Any]]) -> tuple[str | None, dict[str, Any]]:
        """As the parent's; after a side question or a correction whose answer asks nothing,
        the question that was open before it (the buyer goes on with the form)."""
        kind, message = super()._question(messages)
        turns = self.conversation.turns
        unprompted = ("side question", "correction")
        if kind is None and turns and turns[-1].note.startswith(unprompted):
            before = [t for t in turns[:-1] if not t.note.startswith(unprompted)]
            if before:
                open_kind, open_message = super()._question(before[-1].bot)
                if open_kind is not None:
                    return open_kind, open_message
        return kind, message

    def _path_for(self, kind: str, question: str) -> str:
        """As the parent's, also finding the product by the words the buyer named it with."""
        if kind not in ("product", "quantity", "certifications", "target_price"):
            return kind
        folded = fold(question)
        for i, item in enumerate(self.persona.items):
            product = item.facts.get("product")
            if product is None:
                continue
            if fold(str(product.expect)) in folded or fold(product.say) in folded:
                return f"items[{i}].{kind}"
        return f"items[{self.item_index}].{kind}"

    def _decorate(self, said: str) -> str:
        """Add an unasked fact or chit-chat to a typed answer, as the case says."""
        extras: list[str] = []
        if self.case.volunteer_rate and self.rng.random() < self.case.volunteer_rate:
            unsaid = [
                (kind, _volunteer_path(kind))
                for kind in VOLUNTEERABLE
                if _volunteer_path(kind) in self.facts
                and _volunteer_path(kind) not in self.conversation.stated
            ]
            if unsaid:
                kind, path = self.rng.choice(unsaid)
                extras.append(self._sentence(kind, self.facts[path]))
                self._state(path)
        if self.case.fillers and self.rng.random() < self.case.filler_rate:
            extras.append(self.rng.choice(self.case.fillers))
        if not extras:
            return said
        return join_sentences(self.data, self.case.language, [said, *extras])

    def _sentence(self, kind: str, fact: Fact) -> str:
        sentences = self.data["sentences"]
        if kind == "sample_requested":
            key = "sample_requested_yes" if fact.expect else "sample_requested_no"
            return self.rng.choice(sentences[key])
        return self.rng.choice(sentences[kind]).format(say=fact.say)


# --------------------------------------------------------------------------- invariants


def bot_texts(turn: Turn) -> list[str]:
    return [str(m.get("text") or "") for m in turn.bot]


def destroyed(turns: Sequence[Turn]) -> int:
    """Bot messages saying the request was discarded when the buyer never asked for it (a
    buyer turn whose note starts with "discard" is such a request)."""
    discards = discard_texts()
    asked = False
    count = 0
    for turn in turns:
        if turn.note.startswith("discard"):
            asked = True
        for text in bot_texts(turn):
            folded = fold(text)
            if folded and any(d in folded for d in discards) and not asked:
                count += 1
    return count


def unanswered(turns: Sequence[Turn]) -> int:
    """Buyer messages answered in mode "bot" with no message at all."""
    return sum(
        1
        for turn in turns
        if getattr(turn, "mode", "bot") == "bot"
        and not any((m.get("text") or "").strip() or m.get("buttons") for m in turn.bot)
    )


def question_key(turn: Turn, book: Phrasebook) -> tuple[str, ...] | None:
    """What a bot turn asks: the fields (per the phrasebook) of its question, else its last
    message's folded text; None for an empty turn."""
    for message in reversed(turn.bot):
        text = message.get("text") or ""
        for button in message.get("buttons") or []:
            if book.is_confirm(button.get("title") or ""):
                return ("summary",)
        kind = book.classify(text)
        if kind is not None:
            key = tuple(sorted(book.asked_together(kind, text)))
            if kind in ITEM_FACTS:  # "How many panels?" and "How many tubes?" are two questions
                parts = question_parts(text, book.request_cues) or [text]
                key += (fold(parts[0]),)
            return key
    texts = [t for t in bot_texts(turn) if t.strip()]
    return ("text", fold(texts[-1])) if texts else None


def loops(turns: Sequence[Turn], book: Phrasebook) -> list[tuple[int, tuple[str, ...]]]:
    """Runs of the same question asked more than twice in a row: (first turn number, key).
    A turn answering a side question or taking a correction the buyer made on its own neither
    counts nor breaks a run (the bot answers, then asks its open question again)."""
    found: list[tuple[int, tuple[str, ...]]] = []
    run_key: tuple[str, ...] | None = None
    run_start = 0
    run_len = 0
    reported = False
    for n, turn in enumerate(turns, start=1):
        if turn.note.startswith(("side question", "correction")):
            continue
        key = question_key(turn, book)
        same_text = run_key is not None and key is not None and key == run_key
        if same_text:
            run_len += 1
        else:
            run_key, run_start, run_len, reported = key, n, 1, False
        if key is not None and run_len > 2 and not reported:
            found.append((run_start, key))
            reported = True
    return found


def false_value(stored: Any, stated: Iterable[str]) -> str | None:
    """The stored value when it is not one the buyer stated (None when fine)."""
    if stored is None or not str(stored).strip():
        return None
    if any(fold(str(stored)) == fold(s) for s in stated):
        return None
    return str(stored)


@dataclass
class Outcome:
    case: Case
    conversation: Conversation
    record: dict[str, Any] | None = None
    checks: list[FieldCheck] = field(default_factory=list)
    destroyed: int = 0
    unanswered: int = 0
    loops: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    false_name: str | None = None
    false_company: str | None = None
    side_questions: int = 0
    side_answered: int = 0
    seconds: float = 0.0

    @property
    def completed(self) -> bool:
        return self.record is not None

    @property
    def fields_ok(self) -> int:
        return sum(c.ok for c in self.checks)

    def violations(self) -> dict[str, int]:
        return {
            "destroyed": self.destroyed,
            "unanswered": self.unanswered,
            "loop": len(self.loops),
            "false_name": int(self.false_name is not None),
            "false_company": int(self.false_company is not None),
        }

    @property
    def failed(self) -> bool:
        return (
            not self.completed
            or any(self.violations().values())
            or self.fields_ok < len(self.checks)
            or bool(self.conversation.error)
        )


def evaluate(
    case: Case,
    conversation: Conversation,
    record: dict[str, Any] | None,
    *,
    expected: dict[str, Fact] | None = None,
    stated: Sequence[str] | None = None,
    phone_declined: bool = False,
    today: date | None = None,
) -> Outcome:
    """Check the invariants on a transcript and (when completed) the stored inquiry."""
    book = load_phrasebook(case.language)
    turns = conversation.turns
    outcome = Outcome(case, conversation, record)
    outcome.destroyed = destroyed(turns)
    outcome.unanswered = unanswered(turns)
    outcome.loops = loops(turns, book)
    outcome.side_questions = conversation.side_questions
    outcome.side_answered = conversation.side_answered
    facts = (
        expected
        if expected is not None
        else {p: case.persona.fact(p) for p in case.persona.paths()}
    )
    stated = list(conversation.stated if stated is None else stated)
    if record is not None:
        buyer = record.get("buyer") or {}
        for kind, attr in (("contact_name", "false_name"), ("company", "false_company")):
            said = [facts[kind].say] if kind in conversation.stated and kind in facts else []
            setattr(outcome, attr, false_value(buyer.get(kind), said))
        day = today or _created_on(record)
        outcome.checks = score(
            {p: f for p, f in facts.items() if f is not None}, stated, record, day
        )
        for path, scheme in case.unknown_schemes.items():
            outcome.checks = [
                _with_scheme(c, scheme) if c.field == path else c for c in outcome.checks
            ]
        if phone_declined:
            phone = buyer.get("phone")
            outcome.checks.append(FieldCheck("buyer.phone", None, phone, phone is None))
    return outcome


def _with_scheme(check: FieldCheck, scheme: str) -> FieldCheck:
    """A certification check where the record may also keep an unlisted scheme as written."""
    actual = check.actual if isinstance(check.actual, list) else None
    if actual is None:
        return check
    known = {str(c).upper() for c in check.expected}
    stored = {str(c).upper() for c in actual}
    ok = known <= stored <= known | {scheme.upper()}
    return FieldCheck(check.field, [*check.expected, f"({scheme})"], actual, ok)


def _created_on(record: dict[str, Any]) -> date:
    created = record.get("created_at")
    if isinstance(created, str):
        try:
            return date.fromisoformat(created[:10])
        except ValueError:
            pass
    return date.today()


# --------------------------------------------------------------------------- running


def play(
    case: Case,
    send: Callable[[str | None, str | None], list[dict[str, Any]]],
    fetch_record: Callable[[str], dict[str, Any] | None],
    max_turns: int = MAX_TURNS,
) -> Outcome:
    """One conversation with ``send`` and its checks (``fetch_record(reference)`` reads the
    stored inquiry)."""
    started = time.perf_counter()
    buyer = AdversarialBuyer(case, send)
    conv = buyer.run(max_turns=max_turns)
    record = None
    if conv.reference:
        try:
            record = fetch_record(conv.reference)
        except Exception as exc:  # reported, not raised: the other conversations go on
            conv.error = (conv.error + "; " if conv.error else "") + f"record: {exc}"
        if record is None and not conv.error:
            conv.error = f"{conv.reference} not found"
    outcome = evaluate(
        case,
        conv,
        record,
        expected=buyer.expected(),
        stated=buyer.conversation.stated,
        phone_declined=buyer.phone_declined,
    )
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_case(base_url: str, staff_token: str, case: Case, max_turns: int) -> Outcome:
    import httpx

    with httpx.Client(base_url=base_url, timeout=180) as client:
        try:
            transport = ChatTransport(client, case.language)
        except httpx.HTTPError as exc:
            return Outcome(case, Conversation(case.persona, error=f"session: {exc}"))

        def fetch(reference: str) -> dict[str, Any] | None:
            response = client.get(
                f"/api/inquiries/{reference}", headers={"Authorization": f"Bearer {staff_token}"}
            )
            return response.json() if response.status_code == 200 else None

        return play(case, transport, fetch, max_turns)


def run_cases(
    base_url: str, staff_token: str, cases: list[Case], concurrency: int, max_turns: int = MAX_TURNS
) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda c: run_case(base_url, staff_token, c, max_turns), cases))


# --------------------------------------------------------------------------- report


def totals(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    done = [o for o in outcomes if o.completed]
    scored = sum(len(o.checks) for o in done)
    ok = sum(o.fields_ok for o in done)
    counts: Counter[str] = Counter()
    for o in outcomes:
        counts.update(o.violations())
    return {
        "conversations": len(outcomes),
        "completed": len(done),
        "completion_rate": len(done) / len(outcomes) if outcomes else None,
        "fields_scored": scored,
        "fields_ok": ok,
        "field_accuracy": ok / scored if scored else None,
        **{v: counts[v] for v in VIOLATIONS},
        "handed_off": sum(1 for o in outcomes if o.conversation.error.startswith("handed off")),
        "errors": sum(
            1
            for o in outcomes
            if o.conversation.error and not o.conversation.error.startswith("handed off")
        ),
        "side_questions": sum(o.side_questions for o in outcomes),
        "side_answered": sum(o.side_answered for o in outcomes),
    }


def groups(outcomes: Sequence[Outcome]) -> dict[str, dict[str, dict[str, Any]]]:
    languages = [lang for lang in LANGUAGES if any(o.case.language == lang for o in outcomes)]
    return {
        "language": {
            lang: totals([o for o in outcomes if o.case.language == lang]) for lang in languages
        },
        "behaviour": {
            b: totals([o for o in outcomes if b in o.case.behaviours])
            for b in BEHAVIOURS
            if any(b in o.case.behaviours for o in outcomes)
        },
        "all": {"all": totals(outcomes)},
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def table(outcomes: Sequence[Outcome]) -> str:
    head = (
        f"{'':<20}{'convs':>6}  {'completed':<16}{'fields right':<22}"
        f"{'destroyed':>10}{'unanswered':>11}{'loop':>6}{'false_name':>11}{'false_co':>9}"
        f"{'handoff':>8}{'error':>6}"
    )
    lines = []
    for title, rows in groups(outcomes).items():
        lines += ["", f"== per {title}" if title != "all" else "== all", head, "-" * len(head)]
        for name, t in rows.items():
            completed = f"{_pct(t['completion_rate'])} ({t['completed']})"
            fields = f"{_pct(t['field_accuracy'])} ({t['fields_ok']}/{t['fields_scored']})"
            lines.append(
                f"{name:<20}{t['conversations']:>6}  {completed:<16}{fields:<22}"
                f"{t['destroyed']:>10}{t['unanswered']:>11}{t['loop']:>6}{t['false_name']:>11}"
                f"{t['false_company']:>9}{t['handed_off']:>8}{t['errors']:>6}"
            )
    return "\n".join(lines)


def _buttons(message: dict[str, Any]) -> str:
    return ", ".join(f"[{b.get('title')}]" for b in message.get("buttons") or [])


def transcript(outcome: Outcome) -> str:
    case, conv = outcome.case, outcome.conversation
    lines = [
        f"case: {case.name} ({case.language}) seed {case.seed} index {case.index}",
        f"behaviours: {', '.join(case.behaviours)}",
        f"completed: {outcome.completed}  reference: {conv.reference}  buyer turns: "
        f"{conv.buyer_turns}  time: {outcome.seconds:.1f}s",
        "violations: "
        + (", ".join(f"{k}={v}" for k, v in outcome.violations().items() if v) or "-"),
    ]
    if outcome.false_name:
        lines.append(f"false name stored: {outcome.false_name!r}")
    if outcome.false_company:
        lines.append(f"false company stored: {outcome.false_company!r}")
    for start, key in outcome.loops:
        lines.append(f"loop from turn {start}: {' '.join(key)[:100]}")
    if conv.error:
        lines.append(f"error: {conv.error}")
    lines.append("")
    for n, turn in enumerate(conv.turns, start=1):
        tag = "; ".join(t for t in (f"answers {turn.asked}" if turn.asked else "", turn.note) if t)
        mode = getattr(turn, "mode", "bot")
        lines.append(
            f"[{n}] BUYER: {turn.buyer}"
            + (f"    <{tag}>" if tag else "")
            + (f" (mode {mode})" if mode != "bot" else "")
        )
        if not turn.bot:
            lines.append("    (no answer)")
        for message in turn.bot:
            text = (message.get("text") or "").replace("\n", "\n       ")
            lines.append(f"    BOT: {text}")
            if message.get("buttons"):
                lines.append(f"         buttons: {_buttons(message)}")
    lines += ["", f"stated facts: {', '.join(conv.stated) or '-'}"]
    lines += checks_and_record(outcome.checks, outcome.fields_ok, outcome.record)
    return "\n".join(lines) + "\n"


def write_results(outcomes: Sequence[Outcome], out: Path) -> int:
    """Failing transcripts and results.json into ``out``; the number of transcripts."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("adv-*.txt"):
        old.unlink()
    failing = [o for o in outcomes if o.failed]
    for o in failing:
        (out / f"{o.case.name}.txt").write_text(transcript(o), encoding="utf-8")
    rows = [
        {
            "name": o.case.name,
            "language": o.case.language,
            "behaviours": list(o.case.behaviours),
            "completed": o.completed,
            "reference": o.conversation.reference,
            "buyer_turns": o.conversation.buyer_turns,
            "fields_ok": o.fields_ok,
            "fields_scored": len(o.checks),
            "failed_fields": [c.field for c in o.checks if not c.ok],
            "violations": o.violations(),
            "false_name": o.false_name,
            "false_company": o.false_company,
            "error": o.conversation.error,
        }
        for o in outcomes
    ]
    (out / "results.json").write_text(
        json.dumps(
            {"groups": groups(outcomes), "conversations": rows}, indent=2, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return len(failing)


# --------------------------------------------------------------------------- command line


def _latest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no trained model under models/: run `make model` first")
    return models[-1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="conversations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=4, help="conversations at once")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="comma-separated")
    parser.add_argument("--transcripts", type=Path, default=ARTIFACTS, help="failing transcripts")
    parser.add_argument("--max-turns", type=int, default=MAX_TURNS)
    parser.add_argument("--url", help="an app already running (default: start the stack)")
    parser.add_argument("--staff-token", help="staff token of --url")
    parser.add_argument(
        "--latest-model",
        action="store_true",
        help="start the stack with the newest model under models/ instead of training",
    )
    args = parser.parse_args(argv)
    languages = [c.strip() for c in args.languages.split(",") if c.strip()]
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        parser.error(f"unknown languages {sorted(unknown)}")
    cases = generate_many(args.count, args.seed, languages)
    started = time.perf_counter()
    if args.url:
        if not args.staff_token:
            parser.error("--url needs --staff-token")
        outcomes = run_cases(args.url, args.staff_token, cases, args.concurrency, args.max_turns)
    else:
        from bench import stack_fixture

        if args.latest_model:
            model = _latest_model()
            stack_fixture.train = lambda: model
        with stack_fixture.running_stack(chat_rate_burst=1000, chat_rate_per_minute=6000) as (
            _stack,
            settings,
        ):
            base_url = f"http://127.0.0.1:{settings.app_port}"
            outcomes = run_cases(
                base_url, stack_fixture.BENCH_STAFF_TOKEN, cases, args.concurrency, args.max_turns
            )
    elapsed = time.perf_counter() - started
    written = write_results(outcomes, args.transcripts)
    print(
        f"\n== adversarial buyers: {len(outcomes)} conversations, seed {args.seed}, {elapsed:.0f} s"
    )
    print(table(outcomes))
    print(f"\nfailing transcripts ({written}): {args.transcripts}/<case>.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
