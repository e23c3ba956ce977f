"""Required-by dates: "15/03/2027", "end of April 2027", "mid-May", "in 6 weeks", "Q2 2027", "ASAP".

Parsing is dateparser's, relative to the ``today`` passed in, preferring future dates.
Vague periods resolve to a single date by these rules (the result is marked ``approximate``):

==========================  ======================================
buyer says                  required-by date
==========================  ======================================
a month ("May", "May 2027") last day of that month
start / beginning of month  1st of the month
early <month>               10th
mid <month>                 15th
end of / late <month>       last day of the month
a year ("2027")             31 December
start / early <year>        31 March; mid <year>: 30 June; end / late <year>: 31 December
Q1..Q4 [year]               last day of the quarter
H1 / H2 [year]              30 June / 31 December
next / this week|month|year end of that period
in / within N days|weeks…   exactly today + N (not approximate)
==========================  ======================================

A month or quarter without a year is the next one that has not ended yet.
Ambiguous numeric dates (03/05/2027) are day-first unless the buyer's country writes
month-first (the US, the Philippines…: taken from CLDR's short date pattern via babel);
dotted dates (01.02.2027) are always day-first.
"ASAP" and its equivalents succeed with ``asap=True`` and no date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from dateparser.date import DateDataParser

from sales.normalizers._text import clean, quote, too_long
from sales.normalizers.result import Parsed

DEFAULT_LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl", "zh")
MAX_YEARS_AHEAD = 5

_ASAP = re.compile(
    r"^(?:a\.?s\.?a\.?p\.?|as soon as possible|as soon as you can|urgent(?:ly)?|immediately"
    r"|right away|now|rush|lo antes posible|cuanto antes|urgente|lo más pronto posible"
    r"|so schnell wie möglich|schnellstmöglich|sofort|dringend|dès que possible|au plus vite"
    r"|urgence|o mais rápido possível|o quanto antes|imediatamente|尽快|越快越好|马上|急"
    r")(?:\s+please)?[.!]*$",
    re.I,
)
_PREFIX = re.compile(
    r"^(?:(?:we )?need (?:it|them|the goods)?\s*|required |delivery |deliver |latest )?"
    r"(?:by|before|no later than|not later than|until|till|latest|on|at|for|bis|hasta|antes de"
    r"|avant|até)\s+",
    re.I,
)
_WITHIN = re.compile(
    r"^(?:within|inside|in less than|en menos de|dentro de|innerhalb von)\s+", re.I
)
_QUARTER = re.compile(
    r"^(?:(?:by|before|in|during)\s+)?(?:(?:the\s+)?end\s+of\s+)?"
    r"(?:q(?P<q>[1-4])|(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
    r"|h(?P<h>[12])|(?P<hword>first|second)\s+half)"
    r"(?:\s*(?:of\s+)?(?:(?P<y4>\d{4})|'?(?P<y2>\d{2})))?$",
    re.I,
)
_QUALIFIER_EN = re.compile(
    r"^(?P<q>start|beginning|early|mid|middle|end|late)(?:\s*-\s*|\s+of\s+(?:the\s+)?|\s+)"
    r"(?P<rest>.+)$",
    re.I,
)
_QUALIFIER_OTHER = re.compile(
    r"^(?P<q>principios de|inicios de|comienzos de|mediados de|finales de|fin de|fines de"
    r"|anfang|mitte|ende|début|debut|mi|fin|início de|inicio de|meados de|final de)"
    r"(?:\s*-\s*|\s+)(?P<rest>.+)$",
    re.I,
)
_QUALIFIER_ZH = re.compile(r"^(?P<rest>.+?月)(?P<q>初|上旬|中旬|中|下旬|底|末)$")
_QUALIFIER_DAY = {
    "start": 1, "beginning": 1, "principios de": 1, "inicios de": 1, "comienzos de": 1,
    "anfang": 1, "début": 1, "debut": 1, "início de": 1, "inicio de": 1, "初": 1,
    "early": 10, "上旬": 10,
    "mid": 15, "middle": 15, "mediados de": 15, "mitte": 15, "mi": 15, "meados de": 15,
    "中": 15, "中旬": 15,
    "end": 31, "late": 31, "finales de": 31, "fin de": 31, "fines de": 31, "ende": 31,
    "fin": 31, "final de": 31, "下旬": 31, "底": 31, "末": 31,
}  # fmt: skip
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2}
_QUARTER_WORDS |= {"3rd": 3, "4th": 4}
_THIS_NEXT = re.compile(r"^(?:this|next|coming)\s+(?P<unit>week|month|year)$", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ZH_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})?[日号]?")
_DOTTED = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}$")
_CHRISTMAS = re.compile(r"\b(?:christmas|xmas|navidad|weihnachten|noël|noel|natal)\b", re.I)
_NOT_A_DATE = re.compile(r"\d\s*e\s*[+-]?\d|^\d{1,2}\s*(?:am|pm|h|uhr)$|^\d{1,2}:\d{2}", re.I)
_RELATIVE_WORD = re.compile(
    r"\d|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.I
)


@dataclass(frozen=True, slots=True)
class RequiredBy:
    date: date | None
    asap: bool = False
    approximate: bool = False


def date_order_for(country: str | None) -> str:
    """'MDY' where the country's CLDR short date puts the month first (US, PH…), else 'DMY'."""
    if not country:
        return "DMY"
    try:
        pattern = Locale.parse(f"und_{country.upper()}").date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return "DMY"
    month, day, year = pattern.find("M"), pattern.find("d"), pattern.find("y")
    if 0 <= month < day and not 0 <= year < month:
        return "MDY"
    return "DMY"


def human_date(value: date) -> str:
    """'15 March 2027': unambiguous in every market."""
    return format_date(value, "d MMMM y", locale="en")


def parse_required_by(
    text: str,
    *,
    today: date,
    earliest: date | None = None,
    country: str | None = None,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> Parsed[RequiredBy]:
    """Buyer's required-by date -> ``RequiredBy`` or a readable error.

    ``earliest`` is the first date we can deliver (today + lead time); sooner is an error
    that names it. ``country`` (ISO alpha-2, the buyer's) decides day- or month-first.
    """
    raw = clean(text)
    if not raw:
        return Parsed.failure("By when do you need the goods? For example: 15 March 2027.")
    if too_long(raw):
        return Parsed.failure("Please give just the date, for example: 15 March 2027.")
    if _ASAP.match(raw):
        notes = [f"The earliest we can deliver is {human_date(earliest)}."] if earliest else []
        return Parsed.success(RequiredBy(None, asap=True), notes)
    resolved = _resolve(raw, today, date_order_for(country), tuple(languages))
    if resolved is None:
        return Parsed.failure(
            f"I couldn't read {quote(raw)} as a date. Could you write it like 15 March 2027?"
        )
    value, approximate = resolved
    notes = [f"I've taken {quote(raw)} as {human_date(value)}."] if approximate else []
    if value < today:
        return Parsed.failure(
            f"{human_date(value)} is already in the past. By when do you need the goods?"
        )
    if value > _add_years(today, MAX_YEARS_AHEAD):
        return Parsed.failure(
            f"{human_date(value)} is more than {MAX_YEARS_AHEAD} years away. Is the year right?"
        )
    if earliest and value < earliest:
        return Parsed.failure(
            f"{human_date(value)} is sooner than we can deliver: the earliest possible date is "
            f"{human_date(earliest)}. Would that work for you?"
        )
    return Parsed.success(RequiredBy(value, approximate=approximate), notes)


def _resolve(
    raw: str, today: date, order: str, languages: tuple[str, ...]
) -> tuple[date, bool] | None:
    body = _PREFIX.sub("", raw).strip().rstrip(".!?")
    body = _WITHIN.sub("in ", body)
    body = _CHRISTMAS.sub("24 December", body)
    if _NOT_A_DATE.search(body):
        return None
    explicit_year = bool(_YEAR.search(body))

    if match := _QUARTER.match(body):
        return _quarter_end(match, today), True

    if match := _THIS_NEXT.match(body):
        found = _dateparse(body, today, order, languages, "current")
        if found is None:
            return None
        return _end_of_period(found[0], match["unit"].casefold()), True

    qualifier = _QUALIFIER_EN.match(body) or _QUALIFIER_OTHER.match(body)
    qualifier = qualifier or _QUALIFIER_ZH.match(body)
    if qualifier:
        found = _dateparse(_zh_month(qualifier["rest"], today), today, order, languages, "first")
        if found is None or found[1] not in ("month", "year"):
            return None
        anchor, period = found
        value = _qualified(anchor, period, _QUALIFIER_DAY[qualifier["q"].casefold()])
        return _bump_year(value, today, explicit_year), True

    zh_body = _zh_month(body, today)
    if zh_body != body:  # the year was ours, not the buyer's
        found = _dateparse(zh_body, today, order, languages, "first")
        return (_bump_year(found[0], today, explicit_year=False), False) if found else None
    if _DOTTED.match(body):
        order = "DMY"  # 01.02.2027 is day-first wherever it is written
    found = _dateparse(body, today, order, languages, "first")
    if found is None:
        return None
    value, period = found
    relative = bool(_RELATIVE_WORD.search(_YEAR.sub("", body)))
    if period in ("month", "year", "week") and relative:
        exact = _dateparse(body, today, order, languages, "current")
        return (exact[0], False) if exact else None
    if period in ("month", "year", "quarter"):
        return _bump_year(_end_of_period(value, period), today, explicit_year), True
    return value, False  # dateparser already prefers the future for a day without a year


@lru_cache(maxsize=64)
def _parser(order: str, base: date, languages: tuple[str, ...], day: str) -> DateDataParser:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "DATE_ORDER": order,
        "PREFER_DAY_OF_MONTH": day,
        "PREFER_MONTH_OF_YEAR": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=list(languages), settings=settings)


def _dateparse(
    text: str, today: date, order: str, languages: tuple[str, ...], day: str
) -> tuple[date, str] | None:
    try:
        data = _parser(order, today, languages, day).get_date_data(text)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def _zh_month(text: str, today: date) -> str:
    """'3月15日' (no year) -> '2026年3月15日': dateparser needs the year in Chinese dates."""
    if _ZH_MONTH_DAY.match(text) and "年" not in text:
        return f"{today.year}年{text}"
    return text


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_period(value: date, period: str) -> date:
    if period == "week":
        return value + timedelta(days=6 - value.weekday())
    if period == "year":
        return date(value.year, 12, 31)
    if period == "quarter":
        return _last_day(value.year, ((value.month - 1) // 3) * 3 + 3)
    return _last_day(value.year, value.month)


def _qualified(anchor: date, period: str, day: int) -> date:
    if period == "year":
        month = {1: 3, 10: 3, 15: 6}.get(day, 12)
        return _last_day(anchor.year, month)
    if day == 31:
        return _last_day(anchor.year, anchor.month)
    return anchor.replace(day=day)


def _quarter_end(match: re.Match[str], today: date) -> date:
    if match["q"] or match["qword"]:
        last_month = 3 * (
            int(match["q"]) if match["q"] else _QUARTER_WORDS[match["qword"].casefold()]
        )
    else:
        half = int(match["h"]) if match["h"] else _QUARTER_WORDS[match["hword"].casefold()]
        last_month = 6 * half
    if match["y4"]:
        return _last_day(int(match["y4"]), last_month)
    if match["y2"]:
        return _last_day(2000 + int(match["y2"]), last_month)
    value = _last_day(today.year, last_month)
    return value if value >= today else _last_day(today.year + 1, last_month)


def _bump_year(value: date, today: date, explicit_year: bool) -> date:
    """A month or day named without a year means its next occurrence (today counts)."""
    if explicit_year:
        return value
    while value < today:
        value = _add_years(value, 1)
    while _add_years(value, -1) >= today:
        value = _add_years(value, -1)
    return value


def _add_years(value: date, years: int) -> date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)
