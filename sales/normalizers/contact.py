"""Contact details: email (email-validator), phone (phonenumbers -> E.164), company and
person names, and whether an address is free mail (gmail, qq, 163…)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from i18n import Msg
from i18n.lexicon import alternation, is_decline, is_filler, sentence_words, words
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.incoterms import INCOTERMS_2020
from sales.normalizers.result import Parsed

COMPANY_MAX = 120
PERSON_MAX = 80


def _words(code: str, *, han: bool | None = None) -> str:
    return alternation("contact_words", code, han=han)


# The words before an address ("my email is ..."): each ends at a space or a colon, so that the
# address itself keeps its first letters ("isabelle.gagnon@...", "mailroom@..."). The words are
# the lexicon's (``i18n/lexicon/<lang>.yaml``: contact_words).
_EMAIL_PREFIX = re.compile(
    rf"^(?:(?:{_words('possessive')})\s+)?"
    rf"(?:(?:{_words('email', han=False)})(?=[\s:：])|{_words('email', han=True)})?"
    rf"\s*(?:(?:{_words('is', han=False)})\s+|{_words('is', han=True)}|[:：])?\s*(?=\S+@\S+$)",
    re.I,
)
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|io|cn|de|co)(?:/|\b)(?!\s*\w)", re.I)
_HTML = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDERS = re.compile(_words("placeholders"))  # over folded text, whole answers
_NAME_PREFIX = re.compile(
    rf"^(?:(?:{_words('name_intro', han=False)})\s+|(?:{_words('name_intro', han=True)})\s*)",
    re.I,
)
_COMPANY_PREFIX = re.compile(rf"^(?:{_words('company_intro')})\s*", re.I)
_PHONE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "country_code",
    NumberParseException.NOT_A_NUMBER: "not_a_number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}
_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "country_code",
    ValidationResult.TOO_SHORT: "too_short",
    ValidationResult.TOO_LONG: "too_long",
    ValidationResult.INVALID_LENGTH: "length",
}
# email-validator's reasons (English sentences) -> the catalog's, with the characters named.
_EMAIL_REASONS = (
    (re.compile(r"must have an @-sign|at-sign|at sign", re.I), "no_at"),
    (re.compile(r"something after the @-sign", re.I), "nothing_after_at"),
    (re.compile(r"something before the @-sign", re.I), "nothing_before_at"),
    (
        re.compile(
            r"invalid characters? (?:in quotes )?before the @-sign(?:: (?P<chars>.+?))?\.?$"
        ),
        "bad_chars_before",
    ),
    (
        re.compile(r"after the @-sign contains invalid characters(?:: (?P<chars>.+?))?\.?$"),
        "bad_chars_after",
    ),
    (re.compile(r"should have a period", re.I), "no_period"),
    (re.compile(r"top-level domain|special-use or reserved|not valid IDNA", re.I), "bad_domain"),
    (re.compile(r"too long", re.I), "too_long"),
    (re.compile(r"two periods in a row|period and a hyphen", re.I), "periods"),
)  # fmt: skip


def _email_reason(text: str) -> Msg:
    for pattern, name in _EMAIL_REASONS:
        if match := pattern.search(text):
            chars = match.groupdict().get("chars")
            if name.startswith("bad_chars"):
                key = f"validation.email.reason.{name}" + ("_named" if chars else "")
                return Msg(key, chars=chars) if chars else Msg(key)
            return Msg(f"validation.email.reason.{name}")
    return Msg("validation.email.reason.other")


def parse_email(text: str) -> Parsed[str]:
    """'John.Doe@ACME.de' (also inside "my email is …") -> normalised address, or the reason."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.email.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.email.too_long"))
    address = _EMAIL_PREFIX.sub("", raw).strip("<>()[],;.:\"'")
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return Parsed.failure(Msg("validation.email.invalid", reason=_email_reason(str(exc))))
    return Parsed.success(result.normalized)


@cache
def _free_mail() -> tuple[frozenset[str], tuple[str, ...]]:
    text = files("sales.normalizers.data").joinpath("free_mail_domains.txt").read_text("utf-8")
    lines = [ln.strip().casefold() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    exact = frozenset(ln for ln in lines if not ln.endswith(".*"))
    providers = tuple(ln[:-2] for ln in lines if ln.endswith(".*"))
    return exact, providers


def is_free_mail(email: str) -> bool:
    """True for consumer mailboxes (gmail.com, yahoo.co.uk, qq.com, 163.com…)."""
    domain = email.rpartition("@")[2].strip().casefold().rstrip(".")
    exact, providers = _free_mail()
    if domain in exact:
        return True
    first = domain.split(".", 1)[0]
    return first in providers and "." in domain


def parse_phone(text: str, *, default_region: str | None = None) -> Parsed[str]:
    """'+49 40 1234567' / '040 1234567' (region DE) / '0049…' -> E.164, or a readable reason.

    ``default_region`` (ISO alpha-2, e.g. the destination or buyer country) is used for
    numbers written without a country code.
    """
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.phone.empty"))
    if too_long(raw) or len(raw) > 60:
        return Parsed.failure(Msg("validation.phone.too_long_text"))
    number_text = re.sub(r"^00(?=[1-9])", "+", re.sub(r"^[^\d+(]+", "", raw))
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(number_text, region)
    except NumberParseException as exc:
        reason = _PHONE_REASONS.get(exc.error_type, "not_a_phone")
        return Parsed.failure(Msg(f"validation.phone.{reason}"))
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE and possible in _POSSIBLE_REASONS:
        reason = Msg(f"validation.phone.reason.{_POSSIBLE_REASONS[possible]}")
        return Parsed.failure(Msg("validation.phone.impossible", text=clip(raw), reason=reason))
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number)
        code = f"+{number.country_code}"
        message = (
            Msg("validation.phone.invalid_in", text=clip(raw), code=code, region=where)
            if where
            else Msg("validation.phone.invalid_for", text=clip(raw), code=code)
        )
        return Parsed.failure(message)
    return Parsed.success(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def parse_company_name(text: str) -> Parsed[str]:
    """'we are Acme Lighting GmbH' -> 'Acme Lighting GmbH'; rejects URLs, tags, digits-only."""
    return _name(text, _COMPANY_PREFIX, COMPANY_MAX, "company", allow_digits=True)


def parse_person_name(text: str) -> Parsed[str]:
    """'my name is Anna Schmidt' -> 'Anna Schmidt'; rejects digits, URLs, emails, tags."""
    return _name(text, _NAME_PREFIX, PERSON_MAX, "person", allow_digits=False)


# What a name or a company is not: a question, a quantity ("500 pcs", "2,5k"), a model number
# ("PNL-6060-40W"), a size or a wattage ("600x600", "40W"), a trade term or a certification.
_NOT_IN_A_NAME = re.compile(
    rf"[?？]|\d[\d.,]*\s*(?:{_words('counted')})(?![^\W\d_])"
    r"|\b[A-Z]{2,}-\d|\d+\s*[x×*]\s*\d+|\b\d+\s*W\b"
    rf"|^(?:{'|'.join(INCOTERMS_2020)}|CE|RoHS|UL|FCC|LC|TT)$",
    re.I,
)


_TRADE_TERM = re.compile(rf"\b(?:{'|'.join(INCOTERMS_2020)})\b")


def name_shaped(name: str, what: str) -> bool:
    """True unless ``name`` is a decline, a filler, a question, a sentence, a quantity, a model
    number or a trade code: "no phone number, thanks", "Sure", "Sorry, I don't understand.
    Could you ask again?", "500 pcs PNL-6060-40W" are nobody's name (``what``: "person" or
    "company")."""
    if is_decline(name) or is_filler(name) or _NOT_IN_A_NAME.search(name):
        return False
    if what == "person" and _TRADE_TERM.search(name):
        return False  # "Melhor cotar EXW."
    joiners = words("name_joiners")
    said = [w for w in sentence_words(name) if w not in joiners]
    lower = [w for w in sentence_words(name, lower_case_only=True) if w not in joiners]
    if len(said) >= 2 or (what == "person" and lower):
        return False
    return len(name.split()) <= (6 if what == "person" else 12)


def _name(
    text: str, prefix: re.Pattern[str], limit: int, what: str, *, allow_digits: bool
) -> Parsed[str]:
    """``what`` is "company" or "person": the messages of ``validation.<what>_name``."""
    raw = clean(text)
    name = prefix.sub("", raw).strip(" ,;:!\"'。")
    area = f"validation.{what}_name"
    if not name:
        return Parsed.failure(Msg(f"{area}.empty"))
    if _HTML.search(name):
        return Parsed.failure(Msg(f"{area}.markup"))
    if "@" in name or _URL.search(name):
        return Parsed.failure(Msg(f"{area}.address"))
    if not _LETTER.search(name) or _PLACEHOLDERS.fullmatch(fold(name)):
        return Parsed.failure(Msg(f"{area}.unreadable", text=clip(raw)))
    if not allow_digits and re.search(r"\d", name):
        return Parsed.failure(Msg(f"{area}.digits"))
    if not name_shaped(name, what):
        return Parsed.failure(Msg(f"{area}.unreadable", text=clip(raw)))
    if len(name) < 2:
        return Parsed.failure(Msg(f"{area}.too_short"))
    if len(name) > limit:
        return Parsed.failure(Msg(f"{area}.too_long", limit=limit))
    return Parsed.success(name)
