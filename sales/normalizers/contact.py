"""Contact details: email (email-validator), phone (phonenumbers -> E.164), company and
person names, and whether an address is free mail (gmail, qq, 163…)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.result import Parsed

COMPANY_MAX = 120
PERSON_MAX = 80
_EMAIL_PREFIX = re.compile(
    r"^(?:(?:my|our|the)\s+)?(?:e-?mail|mail|address|email address|correo|e-mail-adresse"
    r"|邮箱)?\s*(?:is|:|es|ist|est|是)?\s*(?=\S+@\S+$)",
    re.I,
)
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|io|cn|de|co)(?:/|\b)(?!\s*\w)", re.I)
_HTML = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDERS = frozenset(
    {"n/a", "na", "none", "null", "nil", "test", "testing", "asdf", "xxx", "unknown", "no"}
    | {"nobody", "anonymous", "-", "?", "name", "company", "my company", "private", "idk"}
)
_NAME_PREFIX = re.compile(
    r"^(?:my name is|my name's|name:|i am|i'm|im|this is|it's|it is|me llamo|soy"
    r"|ich bin|ich heiße|je suis|je m'appelle|我是|我叫)\s+",
    re.I,
)
_COMPANY_PREFIX = re.compile(
    r"^(?:(?:our |my )?company(?: name)?(?: is|:)|we are|we're|i work (?:for|at)|from"
    r"|the company is|company:|firma:?|empresa:?|公司[:：]?)\s*",
    re.I,
)
_PHONE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: (
        "Please include the country code, for example +49 40 1234567."
    ),
    NumberParseException.NOT_A_NUMBER: "That doesn't look like a phone number.",
    NumberParseException.TOO_SHORT_AFTER_IDD: "That phone number is too short.",
    NumberParseException.TOO_SHORT_NSN: "That phone number is too short.",
    NumberParseException.TOO_LONG: "That phone number is too long.",
}
_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "the country code isn't valid",
    ValidationResult.TOO_SHORT: "it is too short",
    ValidationResult.TOO_LONG: "it is too long",
    ValidationResult.INVALID_LENGTH: "it has the wrong number of digits",
}


def parse_email(text: str) -> Parsed[str]:
    """'John.Doe@ACME.de' (also inside "my email is …") -> normalised address, or the reason."""
    raw = clean(text)
    if not raw:
        return Parsed.failure("What's your email address?")
    if too_long(raw):
        return Parsed.failure("Please send just your email address.")
    address = _EMAIL_PREFIX.sub("", raw).strip("<>()[],;.:\"'")
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        reason = str(exc).replace("The email address is not valid. ", "")
        return Parsed.failure(f"That email address doesn't look right: {reason}")
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
        return Parsed.failure("What's the best phone number to reach you, with country code?")
    if too_long(raw) or len(raw) > 60:
        return Parsed.failure("Please send just the phone number, for example +49 40 1234567.")
    number_text = re.sub(r"^00(?=[1-9])", "+", re.sub(r"^[^\d+(]+", "", raw))
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(number_text, region)
    except NumberParseException as exc:
        return Parsed.failure(_PHONE_REASONS.get(exc.error_type, "That isn't a phone number."))
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE and possible in _POSSIBLE_REASONS:
        return Parsed.failure(
            f"{quote(raw)} isn't a valid phone number: {_POSSIBLE_REASONS[possible]}."
        )
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number)
        place = f" for +{number.country_code}" + (f" ({where})" if where else "")
        return Parsed.failure(
            f"{quote(raw)} isn't a valid phone number{place}. Could you check it, "
            "including the country code?"
        )
    return Parsed.success(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def parse_company_name(text: str) -> Parsed[str]:
    """'we are Acme Lighting GmbH' -> 'Acme Lighting GmbH'; rejects URLs, tags, digits-only."""
    return _name(text, _COMPANY_PREFIX, COMPANY_MAX, "company name", allow_digits=True)


def parse_person_name(text: str) -> Parsed[str]:
    """'my name is Anna Schmidt' -> 'Anna Schmidt'; rejects digits, URLs, emails, tags."""
    return _name(text, _NAME_PREFIX, PERSON_MAX, "name", allow_digits=False)


def _name(
    text: str, prefix: re.Pattern[str], limit: int, what: str, *, allow_digits: bool
) -> Parsed[str]:
    raw = clean(text)
    name = prefix.sub("", raw).strip(" ,;:!\"'")
    if not name:
        return Parsed.failure(f"What's your {what}?")
    if _HTML.search(name):
        return Parsed.failure(f"Please type your {what} as plain text.")
    if "@" in name or _URL.search(name):
        return Parsed.failure(
            f"That looks like an email or web address. What's your {what} itself?"
        )
    if not _LETTER.search(name) or fold(name) in _PLACEHOLDERS:
        return Parsed.failure(f"{quote(raw)} doesn't look like a {what}. Could you type it again?")
    if not allow_digits and re.search(r"\d", name):
        return Parsed.failure(f"A {what} shouldn't contain digits. Could you type it again?")
    if len(name) < 2:
        return Parsed.failure(f"Could you give your full {what}?")
    if len(name) > limit:
        return Parsed.failure(f"That {what} is too long (at most {limit} characters).")
    return Parsed.success(name)
