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

Buyers write in English, Chinese, Spanish, German, Portuguese and French: dateparser reads the
dates themselves ("15 de marzo de 2027", "15. März 2027", "2027年3月15日"); the qualifiers
("Ende April", "mi-mai", "meados de maio", "3月中旬", "4月底"), quarters and halves ("2. Quartal",
"T2 2027", "第二季度", "上半年") and "within N weeks" ("6周内") are read here; the ASAP words and
Christmas are the lexicon's (``i18n/lexicon/<lang>.yaml``: date_words).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from dateparser.date import DateDataParser

from i18n import Msg
from i18n.catalog import LANGUAGES
from i18n.lexicon import alternation, pattern_table, patterns
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.local_text import date_text
from sales.normalizers.local_text import human_date as _human_date
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import has_han

DEFAULT_LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl", "zh")
MAX_YEARS_AHEAD = 5


def _alternatives(code: str, *, han: bool | None = None) -> str:
    """Every language's words of ``code`` (``i18n/lexicon/<lang>.yaml``'s date_words);
    ``han``: only those written in Chinese (True) or only the others (False)."""
    words = patterns("date_words")[code]
    return "|".join(w for w in words if han is None or has_han(w) == han)


def _words(code: str, *, han: bool | None = None) -> str:
    """Every language's date phrases of ``code`` (``i18n/lexicon/<lang>.yaml``'s
    date_phrases), as one alternation."""
    return alternation("date_phrases", code, han=han)


# Matched against the folded text (lower case, no accents).
_ASAP = re.compile(rf"^(?:{_alternatives('asap')})(?:\s+(?:{_alternatives('please')}))?[.!。]*$")
_PREFIX = re.compile(
    rf"^(?:{_words('need')})?(?:{_words('by')})\s+",
    re.I,
)
# "2027年3月15日前交货": the Chinese "before" and "delivered" come after the date.
_ZH_SUFFIX = re.compile(rf"(?:{_words('before_after')})?(?:{_words('delivered_after')})?[。.!]*$")
# "within 30 days" is "in 30 days": each language's "within" becomes its plain "in".
_WITHIN = re.compile(rf"^(?P<w>{_words('within')})\s+", re.I)
_WITHIN_AS = {
    within: plain
    for language in LANGUAGES
    for plain in pattern_table(language)["date_phrases"]["in"][:1]
    for within in pattern_table(language)["date_phrases"]["within"]
}
# "6周内", "30天内", "3个月内", "两周后": Chinese periods, rewritten as "in 6 weeks" for dateparser.
_COUNT_UNITS = {"count_days": "days", "count_weeks": "weeks", "count_months": "months"}
_ZH_WITHIN = re.compile(
    r"^(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*"
    rf"(?P<unit>{'|'.join(_words(code) for code in _COUNT_UNITS)})(?:{_words('within_after')})?$"
)
_ZH_UNITS = {
    word: unit for code, unit in _COUNT_UNITS.items() for word in patterns("date_phrases")[code]
}
_QUARTER = re.compile(
    r"^(?:(?:by|before|in|during)\s+)?(?:(?:the\s+)?end\s+of\s+)?"
    r"(?:q(?P<q>[1-4])|(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
    r"|h(?P<h>[12])|(?P<hword>first|second)\s+half)"
    r"(?:\s*(?:of\s+)?(?:(?P<y4>\d{4})|'?(?P<y2>\d{2})))?$",
    re.I,
)
# The qualifiers of a month or a year and the day each means ("end of May", "mediados de
# mayo", "Ende April", "4月底"; "2027年底").
_QUALIFIER_DAYS = {"start": 1, "early": 10, "mid": 15, "end": 31}
_QUALIFIERS = {code: re.compile(_words(code), re.I) for code in _QUALIFIER_DAYS}
_QUALIFIERS |= {f"year_{c}": re.compile(_words(f"year_{c}")) for c in ("start", "mid", "end")}
_QUALIFIER = re.compile(
    rf"^(?P<q>{'|'.join(_words(code, han=False) for code in _QUALIFIER_DAYS)})"
    r"(?:\s*-\s*|\s+|(?<=')\s*)(?P<rest>.+)$",
    re.I,
)
# "next month" in the other languages, with the article or case a qualifier puts before it
# ("fin du mois prochain", "finales del próximo mes", "Ende nächsten Monats", "fim do próximo
# mês"): rewritten in English, which dateparser and `_THIS_NEXT` read.
_PERIOD_WORDS = {unit: _words(f"period_{unit}") for unit in ("week", "month", "year")}
_NEXT_WORDS = _words("next")
_THIS_WORDS = _words("this_before")
_LOCAL_PERIOD = re.compile(
    rf"^(?:{_words('period_articles')})?"
    r"(?:(?P<pre_next>" + _NEXT_WORDS + r")|(?P<pre_this>" + _THIS_WORDS + r"))?\s*"
    r"(?P<unit>" + "|".join(f"(?P<{k}>{v})" for k, v in _PERIOD_WORDS.items()) + r")"
    rf"(?:\s+(?:(?P<post_next>{_NEXT_WORDS})|(?P<post_this>{_words('this_after')})))?$",
    re.I,
)
# "1º de agosto" (NFKC makes "º" an "o"), "1ª", "1°": the ordinal mark dateparser does not read.
_ORDINAL_DAY = re.compile(rf"(?<![\d.])([0-3]?\d)\s?(?:{_words('day_ordinal_marks')})(?=\s)", re.I)
_QUALIFIER_ZH = re.compile(
    rf"^(?P<rest>.+?月)(?P<q>{'|'.join(_words(code, han=True) for code in _QUALIFIER_DAYS)})$"
)
_YEAR_QUALIFIERS = "|".join(_words(f"year_{c}") for c in ("start", "mid", "end"))
_QUALIFIER_ZH_YEAR = re.compile(rf"^(?P<year>\d{{4}})\s*年(?P<q>{_YEAR_QUALIFIERS})$")
# Quarters and halves in the other languages: "2. Quartal 2027", "segundo trimestre de 2027",
# "T2 2027", "deuxième semestre", "erstes Halbjahr".
_ORDINALS = {
    "1": 1, "primer": 1, "primero": 1, "erstes": 1, "erste": 1, "ersten": 1, "premier": 1,
    "1er": 1, "primeiro": 1, "1º": 1, "1°": 1, "1o": 1, "1.": 1, "1e": 1,
    "2": 2, "segundo": 2, "zweites": 2, "zweite": 2, "zweiten": 2, "deuxième": 2,
    "deuxieme": 2, "second": 2, "2º": 2, "2°": 2, "2o": 2, "2.": 2, "2e": 2,
    "3": 3, "tercer": 3, "tercero": 3, "drittes": 3, "dritte": 3, "dritten": 3,
    "troisième": 3, "troisieme": 3, "terceiro": 3, "3º": 3, "3°": 3, "3o": 3, "3.": 3, "3e": 3,
    "4": 4, "cuarto": 4, "viertes": 4, "vierte": 4, "vierten": 4, "quatrième": 4,
    "quatrieme": 4, "quarto": 4, "4º": 4, "4°": 4, "4o": 4, "4.": 4, "4e": 4,
}  # fmt: skip
_ORDINAL_WORDS = "|".join(re.escape(w) for w in sorted(_ORDINALS, key=len, reverse=True))
_QUARTER_OTHER = re.compile(
    rf"^(?:(?:(?:el|le|im|no|em|au|en|del|des|do|du)\s+)?(?P<ord>{_ORDINAL_WORDS})\s*"
    r"(?P<kind>trimestre|quartal|semestre|halbjahr)|t(?P<t>[1-4])|s(?P<s>[12]))"
    r"(?:\s*(?:de|del|des|du|do|of)?\s*(?P<year>\d{4}))?$",
    re.I,
)
_QUARTER_ZH = re.compile(
    r"^(?:(?P<year>\d{4})\s*年)?(?:(?:第)?(?P<q>[一二三四1-4])\s*季度|(?P<h>上|下)半年)(?:末|底)?$"
)
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_ZH_DIGITS |= {"九": 9, "十": 10}
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2}
_QUARTER_WORDS |= {"3rd": 3, "4th": 4}
_THIS_NEXT = re.compile(r"^(?:this|next|coming)\s+(?P<unit>week|month|year)$", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ZH_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})?[日号]?")
_DOTTED = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}$")
_CHRISTMAS = re.compile(
    rf"\b(?:{_alternatives('christmas', han=False)})\b|{_alternatives('christmas', han=True)}", re.I
)
_NOT_A_DATE = re.compile(r"\d\s*e\s*[+-]?\d|^\d{1,2}\s*(?:am|pm|h|uhr)$|^\d{1,2}:\d{2}", re.I)
_RELATIVE_WORD = re.compile(
    r"\d|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|un|una|uno|dos|tres|cuatro|seis|ein|einem|einer|einen|zwei|drei|vier|sechs|une|deux"
    r"|trois|quatre|um|uma|dois|duas|três)\b",
    re.I,
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


def human_date(value: date, language: str | None = "en") -> str:
    """'15 March 2027': unambiguous in every market ("15. März 2027" in German...)."""
    return _human_date(value, language)


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
        return Parsed.failure(Msg("validation.date.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.date.too_long"))
    if _ASAP.match(fold(raw)):
        notes = [Msg("validation.date.asap", earliest=date_text(earliest))] if earliest else []
        return Parsed.success(RequiredBy(None, asap=True), notes)
    resolved = _resolve(raw, today, date_order_for(country), tuple(languages))
    if resolved is None:
        return Parsed.failure(Msg("validation.date.unreadable", text=clip(raw)))
    value, approximate = resolved
    notes = (
        [Msg("validation.date.taken_as", text=clip(raw), date=date_text(value))]
        if approximate
        else []
    )
    if value < today:
        return Parsed.failure(Msg("validation.date.past", date=date_text(value)))
    if value > _add_years(today, MAX_YEARS_AHEAD):
        return Parsed.failure(
            Msg("validation.date.too_far", date=date_text(value), years=MAX_YEARS_AHEAD)
        )
    if earliest and value < earliest:
        return Parsed.failure(
            Msg("validation.date.too_soon", date=date_text(value), earliest=date_text(earliest))
        )
    return Parsed.success(RequiredBy(value, approximate=approximate), notes)


def _local_period(text: str) -> str:
    """'du mois prochain' -> 'next month', 'nächsten Monats' -> 'next month'; else unchanged."""
    match = _LOCAL_PERIOD.match(text.strip())
    if match is None:
        return text
    unit = next(k for k in _PERIOD_WORDS if match[k])
    if match["pre_next"] or match["post_next"]:
        return f"next {unit}"
    if match["pre_this"] or match["post_this"]:
        return f"this {unit}"
    return text


def _qualifier_day(qualifier: str, *, year: bool = False) -> int:
    """The day a qualifier means: "end of" 31, "mediados de" 15, "上旬" 10, "2027年初"'s "初" 1."""
    prefix = "year_" if year else ""
    return next(
        day
        for code, day in _QUALIFIER_DAYS.items()
        if f"{prefix}{code}" in _QUALIFIERS and _QUALIFIERS[f"{prefix}{code}"].fullmatch(qualifier)
    )


def _zh_within(body: str) -> str:
    """'6周内' -> 'in 6 weeks'; other text unchanged."""
    match = _ZH_WITHIN.match(body)
    if match is None:
        return body
    n = match["n"]
    count = int(n) if n.isdigit() else _zh_small(n)
    if count is None:
        return body
    return f"in {count} {_ZH_UNITS[match['unit']]}"


def _zh_small(text: str) -> int | None:
    """一..九十九 written in Chinese (for "两周内", "十五天内")."""
    if len(text) == 1:
        return _ZH_DIGITS.get(text)
    if text.startswith("十"):
        rest = _ZH_DIGITS.get(text[1:], 0) if len(text) == 2 else None
        return None if rest is None else 10 + rest
    tens, ten, units = text[0], text[1], text[2:]
    if ten != "十" or tens not in _ZH_DIGITS:
        return None
    return _ZH_DIGITS[tens] * 10 + (_ZH_DIGITS.get(units, 0) if units else 0)


def _other_quarter(match: re.Match[str], today: date) -> date:
    kind = (match["kind"] or "").casefold()
    if match["t"] or kind in ("trimestre", "quartal"):
        number = int(match["t"]) if match["t"] else _ORDINALS[match["ord"].casefold()]
        if not 1 <= number <= 4:
            raise ValueError(number)
        last_month = 3 * number
    else:
        number = int(match["s"]) if match["s"] else _ORDINALS[match["ord"].casefold()]
        if not 1 <= number <= 2:
            raise ValueError(number)
        last_month = 6 * number
    return _period_end(last_month, match["year"], today)


def _zh_quarter(match: re.Match[str], today: date) -> date:
    if match["q"]:
        q = match["q"]
        last_month = 3 * (int(q) if q.isdigit() else _ZH_DIGITS[q])
    else:
        last_month = 6 if match["h"] == "上" else 12
    return _period_end(last_month, match["year"], today)


def _period_end(last_month: int, year: str | None, today: date) -> date:
    if year:
        return _last_day(int(year), last_month)
    value = _last_day(today.year, last_month)
    return value if value >= today else _last_day(today.year + 1, last_month)


def _resolve(
    raw: str, today: date, order: str, languages: tuple[str, ...]
) -> tuple[date, bool] | None:
    body = _PREFIX.sub("", raw).strip().rstrip(".!?。")
    body = _ZH_SUFFIX.sub("", body).strip() or body
    body = _WITHIN.sub(lambda m: _WITHIN_AS.get(m["w"].casefold(), "in") + " ", body)
    body = _zh_within(body)
    body = _CHRISTMAS.sub("24 December", body)
    body = _ORDINAL_DAY.sub(r"\1", body)
    if _NOT_A_DATE.search(body):
        return None
    explicit_year = bool(_YEAR.search(body))

    if match := _QUARTER.match(body):
        return _quarter_end(match, today), True
    try:
        if match := _QUARTER_OTHER.match(body):
            return _other_quarter(match, today), True
    except (KeyError, ValueError):
        return None
    if match := _QUARTER_ZH.match(body):
        return _zh_quarter(match, today), True
    if match := _QUALIFIER_ZH_YEAR.match(body):
        anchor = date(int(match["year"]), 1, 1)
        return _qualified(anchor, "year", _qualifier_day(match["q"], year=True)), True
    if re.fullmatch(r"\d{4}\s*年", body):  # "2027年": dateparser misreads a bare Chinese year
        body = body.rstrip("年 ")

    body = _local_period(body)
    if match := _THIS_NEXT.match(body):
        found = _dateparse(body, today, order, languages, "current")
        if found is None:
            return None
        return _end_of_period(found[0], match["unit"].casefold()), True

    qualifier = _QUALIFIER.match(body) or _QUALIFIER_ZH.match(body)
    if qualifier:
        rest = _local_period(qualifier["rest"])
        found = _dateparse(_zh_month(rest, today), today, order, languages, "first")
        if found is None or found[1] not in ("month", "year"):
            return None
        anchor, period = found
        value = _qualified(anchor, period, _qualifier_day(qualifier["q"]))
        relative = bool(_THIS_NEXT.match(rest))  # "end of next year": no other year to pick
        return _bump_year(value, today, explicit_year or relative), True

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
    """'3月15日' (no year) -> '2026年3月15日': dateparser needs the year in Chinese dates;
    '10月25号' (号, the spoken day) -> '10月25日'."""
    text = re.sub(r"(\d{1,2})\s*号", r"\1日", text)
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
