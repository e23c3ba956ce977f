"""Who the buyer is: the answer to "your name, company and email" and where a message names
a person or a company."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from i18n import Msg
from i18n.lexicon import is_decline, is_filler, is_one_of, mentions, words
from sales.normalizers import (
    parse_business_type,
    parse_company_name,
    parse_email,
    parse_person_name,
    parse_phone,
)
from sales.normalizers._text import fold, fold_chars
from sales.normalizers.word_edges import HAN
from sales.rfq.reading.extraction import Extraction
from sales.rfq.reading.patterns import _BUSINESS, _COMPANY, _EMAIL, _NAME_INTRO


def _looks_like_a_name(text: str) -> bool:
    """ "Highveld Electrical Wholesalers" (a name) rather than "we're wholesalers"."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’&.-]*", text)]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 2


def _reads_as_a_company(text: str) -> bool:
    """Words that name companies ("Electrical", "Trading", "GmbH", "Wholesalers")."""
    return bool(
        mentions("company_words", text)
        or _COMPANY.search(text)
        or _BUSINESS.search(fold_chars(text))
    )


# "Ansprechpartner: Jana Weber", "联系人：李娜", "Firma: ...": a label, then the value.
_LABELLED = re.compile(r"^\s*(?P<label>[^:：@\d]{1,30}?)\s*[:：]\s*(?P<value>.+)$")
# "Soy Andrés Gómez de Distribuidora Lumínica S.A.", "Sophie Martin de Sahel Électricité SA":
# two or three capitalised words, then "de/from/von/da/chez", then the company.
_PERSON_OF_COMPANY = re.compile(
    r"^(?P<person>[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,2})\s+"
    r"(?:de|from|von|da|do|chez|of|at|bei)\s+(?P<company>[A-ZÀ-ÖØ-Þ].+)$"
)
# "我是Gulf Lumen Trading LLC的陈志明", "深圳明辉照明有限公司的李娜": the company, 的, the person.
_HAN_PERSON_OF_COMPANY = re.compile(
    rf"^(?:我是|我们是|这里是|我来自)?(?P<company>.+?)的(?P<person>[{HAN}]{{2,4}}"
    r"|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})$"
)
_NAME_INTRO_WORDS = re.compile(
    r"^(?:my name is|i am|i'm|i’m|this is|me llamo|mi nombre es|soy|ich bin|mein name ist"
    r"|hier ist|je suis|je m'appelle|je m’appelle|moi c'est|meu nome é|me chamo|sou o|sou a|sou)"
    r"\s+",
    re.I,
)
_CHINESE_INTRO = re.compile(r"^(?:我是|我们是|我司是|这里是|本公司是?|我来自)")


def _labelled(part: str) -> tuple[str | None, str]:
    """("contact_name" | "company" | None, the value) of "Ansprechpartner: Jana Weber"."""
    found = _LABELLED.match(part)
    if found is None:
        return None, part
    label, value = found.group("label"), found.group("value").strip()
    if is_one_of("person_labels", label):
        return "contact_name", value
    if is_one_of("company_labels", label):
        return "company", value
    return None, value if len(label.split()) <= 3 else part


def _person_of_company(text: str) -> tuple[str, str] | None:
    """ "Andrés Gómez de Andina Eléctrica S.A.S." -> (person, company), when the words before
    "de" name a person (no company words) and the rest is a company with its legal form."""
    han = _HAN_PERSON_OF_COMPANY.match(text.strip())
    if han and _COMPANY.fullmatch(_CHINESE_INTRO.sub("", han.group("company")).strip()):
        return han.group("person"), _CHINESE_INTRO.sub("", han.group("company")).strip()
    text = _NAME_INTRO_WORDS.sub("", text).strip()
    found = _PERSON_OF_COMPANY.match(text)
    if found is None or _COMPANY.fullmatch(found.group("company")) is None:
        return None
    person = found.group("person")
    if any(fold(w) in words("company_words") for w in person.split()):
        return None  # "Grupo Industrial de Iluminación SA" is a company
    return person, found.group("company")


def _contact_block(slot: str, text: str, out: Extraction, state: Mapping[str, Any]) -> None:
    """An answer to "your name, company and email" may carry all three, in any order."""
    parts = [p.strip() for p in re.split(r"[,;，；\n]|\s+-\s+|\s+/\s+", text) if p.strip()]
    rest: list[str] = []
    for raw in parts:
        label, part = _labelled(raw)
        if is_filler(part):
            continue  # "Sorry, it's Ethan Campbell ...": no name
        if label is not None and "@" not in part:
            read = parse_person_name if label == "contact_name" else parse_company_name
            out.set(label, read(part))
            continue
        if (
            "@" not in part
            and len(part.split()) <= 3
            and not _looks_like_a_name(part)  # "Highveld Electrical Wholesalers"
            and parse_business_type(part).ok
        ):
            out.set("business_type", parse_business_type(part))  # "Systemintegrator"
            continue
        if "@" in part:
            if not out.set("email", parse_email(_EMAIL.search(part).group(0))):  # type: ignore[union-attr]
                out.errors["email"] = parse_email(part).error or Msg(
                    "validation.reader.email_wrong"
                )
        elif sum(ch.isdigit() for ch in part) >= 6:
            region = (state.get("destination") or {}).get("country")
            phone = parse_phone(part, default_region=region)
            if not out.set("phone", phone) and slot == "phone":
                out.errors["phone"] = phone.error or Msg("validation.reader.phone_wrong")
        elif is_decline(part):
            # "Jana Weber, no phone": the phone declined; a bare "no" names nobody
            if mentions("phone_words", part) or slot == "phone":
                out.slots["phone"] = None
                out.slots["phone_declined"] = True
        elif _BUSINESS.search(fold_chars(part)) and not _looks_like_a_name(part):
            continue  # "we're a distributor": read by the scan
        elif both := _person_of_company(part):
            out.set("contact_name", parse_person_name(both[0]))
            out.set("company", parse_company_name(both[1]))
        elif company := _COMPANY.search(part):
            name = _CHINESE_INTRO.sub("", company.group(1) or company.group(2))
            out.set("company", parse_company_name(name))
            if intro := _NAME_INTRO.search(part[: company.start()]):
                rest.append(intro.group(1) or intro.group(2))  # "I'm Aroha Ngata from Kiwi..."
        else:
            rest.append(part)
    # several parts come in the order asked (name, company), unless exactly one of the first two
    # reads as a company ("Highveld Electrical Wholesalers, Thabo Nkosi"); a single one answers
    # the question
    wanted = [s for s in ("contact_name", "company") if s not in out.slots and not state.get(s)]
    if wanted == ["contact_name", "company"] and len(rest) >= 2:
        companies = [p for p in rest[:2] if _reads_as_a_company(p)]
        if len(companies) == 1:
            rest = [*(p for p in rest[:2] if p != companies[0]), companies[0], *rest[2:]]
    if len(rest) == 1 and slot in wanted:
        wanted = [slot]
    for part, target in zip(rest, wanted, strict=False):
        parsed = parse_person_name(part) if target == "contact_name" else parse_company_name(part)
        if not out.set(target, parsed) and target == slot:
            out.errors[slot] = parsed.error or Msg("validation.reader.not_understood")
    if slot == "email" and "email" not in out.slots and "email" not in out.errors:
        out.errors["email"] = parse_email(text).error or Msg("validation.reader.email_wrong")


# Answers to the contact question: names and companies, which are not places or dates ("Jan
# Hoffmann" is no January, "Beatriz Lima" no Peru, "Edson dos Santos" no Brazilian port).
CONTACT_SLOTS = frozenset({"contact_name", "company", "email", "phone"})


def _person_spans(text: str, out: Extraction) -> list[tuple[int, int]]:
    """Where the message names a person or a company: no place or date is read there."""
    spans = [m.span(1) for m in _NAME_INTRO.finditer(text) if m.group(1)]
    spans += [m.span(1) for m in _COMPANY.finditer(text) if m.group(1)]
    for slot in ("contact_name", "company"):
        value = out.slots.get(slot)
        if isinstance(value, str) and value and (at := text.find(value)) >= 0:
            spans.append((at, at + len(value)))
    return spans
