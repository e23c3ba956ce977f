"""The spans of an RFQ message as regular expressions: numbers, quantities and their units,
product words, Incoterm places, dates, certifications, payment terms, prices, samples, business
types, company and person names, and the words of adding, removing and correcting."""

from __future__ import annotations

import re

from i18n.lexicon import patterns, words
from sales.normalizers._text import fold_chars
from sales.normalizers.numbers import CHINESE_NUMERALS, number_words_pattern
from sales.normalizers.quantity import UNIT_SYNONYMS
from sales.normalizers.word_edges import END, HAN, START, alternatives, has_han
from sales.rfq.products import CATEGORY_WORDS, WORDS, category_of

# The local part without Han characters: "我的邮箱是wang@kx.example" is wang@kx.example.
_EMAIL = re.compile(r"(?:(?![\u3400-\u9fff])[\w.+'-])+@[\w-]*(?:\.[\w-]+)*", re.UNICODE)
_NUMBER = r"\d+(?:[.,' ]\d{3})*(?:[.,]\d+)?|\d+"
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
_NUMBER_WORDS = rf"\b(?:a\s+)?{_NUMBER_WORD}(?:[\s-]+(?:and\s+)?{_NUMBER_WORD})*\b"
# "五千", "两万", "1.2万", "二十": Chinese numerals (with a multiplier, or two numerals at least:
# "一个报价" is "a quotation"), read by the quantity normaliser. Possessive and bounded, so that
# a long run of numerals costs no backtracking. No word edge before numerals: "18W一万支".
_CHINESE_NUMBER = (
    rf"(?:{START}\d+(?:\.\d+)?)?(?=[{CHINESE_NUMERALS}]{{2}}|[十百千万亿])"
    rf"[{CHINESE_NUMERALS}]{{1,16}}+"
)
_GENERIC_NOUNS = (
    "lights", "light", "lamps", "lamp", "fixtures", "fixture", "luminaires", "luminaire",
    "luces", "lamparas", "luminarias", "leuchten", "lampen", "lampes", "luminarias",
    "lampadas", "灯具",
)  # fmt: skip
# Unit words: those of the quantity reader (sales/normalizers/data/units.yaml) that name no
# product (a product noun there counts pieces; here it names the product), without tokens that
# mean something else next to a number in lighting ("lm" lumens; "u", "st", "mt"); and
# container codes.
_NOT_UNITS_HERE = frozenset({"u", "u.", "st", "lm", "mt", "par", "qty", "bulb", "bulbs", "focos"})
_LATIN_UNITS = tuple(
    sorted(
        {
            word
            for word in UNIT_SYNONYMS
            if not has_han(word)
            and word not in _NOT_UNITS_HERE
            and word not in _GENERIC_NOUNS
            and not category_of(word)
        }
        | {"40hq", "40gp", "20gp", "fcl", "stk."},
        key=len,
        reverse=True,
    )
)
# Chinese measure words, from the same data (a weight is no count of products), longest first.
_HAN_UNITS = tuple(
    sorted(
        (w for w, unit in UNIT_SYNONYMS.items() if has_han(w) and unit not in ("kg", "t")),
        key=len,
        reverse=True,
    )
)
# "2 x 40HQ", "两个40尺高柜" (two 40-foot high cubes)
_HAN_CONTAINER = r"个?\s*(?:20|40|45)\s*(?:尺|英尺)?\s*[高平普]?\s*(?:货柜|集装箱|柜|箱)"
_CONTAINER_UNITS = (
    rf"{_HAN_CONTAINER}|x\s*40\s*hq|x\s*40\s*gp|x\s*20\s*gp"
    r"|x\s*[24]0\s*(?:ft|'|’)(?:\s*containers?)?"
    # "2 x 40-Fuß-Container" (folded: "fus"), "einen 20-Fuss-Container"
    r"|(?:x\s*)?[24]0[\s-]*(?:fus|fuss)[\s-]*container"
    # "un conteneur de 20 pieds", "dos contenedores de 40 pies", "um contêiner de 40 pés"
    r"|(?:conteneurs?|contenedor(?:es)?|conteiner(?:es)?)\s+de\s+[24]0\s*(?:pieds|pies|pes)"
)
_ONE_CONTAINER = re.compile(r"^(?:un|une|um|uma|ein|einen|a|an|one)\b", re.I)
_CONTAINER = re.compile(
    r"(?i)(?:conteneurs?|contenedor(?:es)?|conteiner(?:es)?)\s+de\s+[24]0\s*(?:pieds|pies|pes)"
    r"|[24]0\s*(?:hq|gp|ft|'|’)|45\s*hq|fcl|containers?|柜|集装箱"
)
_UNIT_WORDS = rf"{_CONTAINER_UNITS}|{alternatives(_LATIN_UNITS)}|{'|'.join(_HAN_UNITS)}"
# Folded as the text they are searched in (``fold_chars``: "straßenleuchte" -> "strasenleuchte").
_PRODUCT_NOUNS = sorted(
    {fold_chars(w) for words in CATEGORY_WORDS.values() for w in words} | set(_GENERIC_NOUNS),
    key=len,
    reverse=True,
)
_LATIN_NOUNS = [w for w in _PRODUCT_NOUNS if not has_han(w)]
_HAN_NOUNS = [w for w in _PRODUCT_NOUNS if has_han(w)]
_NOUN_ALT = "|".join(re.escape(w) for w in _LATIN_NOUNS)
_MENTION_NOUNS = "|".join(
    re.escape(w) for w in _LATIN_NOUNS if w not in ("t8", "t5", "spot", "spots")
)
_HAN_NOUN_ALT = "|".join(re.escape(w) for w in _HAN_NOUNS)
# A compound ending with a category word ("glasrohren": glas|rohren), in languages that write
# compounds (sales.rfq.products.compound_category says which category).
_COMPOUND = (
    r"[^\W\d_]{3,}?(?:"
    + "|".join(re.escape(fold_chars(w)) for w in sorted(WORDS.compound_heads, key=len)[::-1])
    + ")"
)
# ... after a hyphenated prefix too: "LED-Straßenleuchten", "Einbau-Downlights".
_NOUN_OR_COMPOUND = rf"(?:[^\W\d_]+-)?(?:{_MENTION_NOUNS}|{_COMPOUND})"
# A number that is a specification, not a count: 40W, 1200mm, 4000K, 230V, 600x600, 90%.
_SPEC_AFTER_NUMBER = (
    r"(?!-?\s*(?:hours?|hrs?|horas?|stunden|heures?|小时)(?![a-z]))"  # "3-hour": a duration
    r"(?!\s*(?:w|watts?|mm|cm|v|vac|lm|lumens?|°|%|ma|k\s*(?:\d|cct)"
    r"|x\s*\d+(?!\d)(?!\s*(?:hq|gp|ft|'|’|-?\s*fus)))(?![a-z]))"
)
# A spec between a count and its product words: "10k of 12W round downlights", "2000 100W LED
# street lights", "500 600x600 panels".
_SPEC_WORD = r"\d+(?:[.,]\d+)?\s?(?:w|mm|cm|k|v)(?![a-z])|\d{3,4}\s?[x×*]\s?\d{3,4}"
# Quantities are found in folded text (no accents), so "Stück", "pièces" and "peças" are found
# as "stuck", "pieces" and "pecas"; the words are taken from the original text by position.
_QUANTITY = re.compile(
    rf"(?<![.,<>=≤≥])(?P<num>{START}(?:{_NUMBER})(?![\d])"
    rf"(?:\s*(?:k|tsd\.?|mil|mille|tausend)(?![a-z])|\s*[千万])?"
    rf"|{START}{_NUMBER_WORDS}|{START}{number_words_pattern()}|{_CHINESE_NUMBER}"
    rf"|[一二两三四五六七八九十](?={_HAN_CONTAINER})"
    # "un conteneur de 20 pieds", "einen 20-Fuß-Container": an article counts one container
    rf"|{START}(?:un|une|um|uma|ein|einen|a|an|one)(?=\s+(?:conteneur|contenedor|conteiner"
    rf"|container|[24]0[\s-]*(?:fus|ft|'|’|hq|gp))))"
    rf"{_SPEC_AFTER_NUMBER}\s*"
    rf"(?:x\s*)?(?P<unit>(?:{_UNIT_WORDS})"
    rf"|(?:(?:{_SPEC_WORD}|(?!(?:and|y|und|et|e|plus|\d)(?![\w-]))(?!\d)[\w-]+)\s+){{0,5}}?"
    rf"{_NOUN_OR_COMPOUND}{END}"
    rf"|(?:{_HAN_NOUN_ALT}))",
    re.I,
)
# Words that are not part of a product's name ("we'd like 2000 T8 tubes"), in folded form.
_NOT_PRODUCT_WORDS = (
    r"of|for|and|with|the|a|an|to|by|in|at|our|your|we|i|you|like|need|want|would|looking|please|"
    r"estou|estamos|procurando|procuramos|buscamos|buscando|quero|queremos|gostaria|"
    r"quote|buy|order|get|require|some|any|pcs|pieces|units|also|add|too|more|about|around|price|"
    r"prices|best|send|me|us|is|are|it|them|these|those|remove|delete|drop|cancel|without|change|"
    r"de|del|la|las|el|los|un|una|unos|unas|y|con|para|por|necesitamos|necesito|queremos|"
    r"quisieramos|cotizar|cotizacion|comprar|piezas|unidades|tambien|sin|"
    r"der|die|das|den|dem|ein|eine|einen|und|mit|fur|wir|ich|benotigen|brauchen|mochten|suchen|"
    r"angebot|stuck|stk|einheiten|auch|ohne|nach|"
    r"le|les|des|du|une|et|avec|pour|nous|avons|besoin|voudrions|souhaitons|cherchons|devis|"
    r"il|faut|aimerions|souhaiterions|recherchons|chiffrer|merci|favor|cotem|cotar|cote|coticen|"
    r"cotice|cotizen|"
    r"pieces|unites|aussi|sans|"
    r"o|os|as|um|uma|e|com|precisamos|preciso|gostariamos|cotacao|orcamento|pecas|tambem|sem"
)
_NOT_PRODUCT_START = (
    rf"(?!(?:{_NOT_PRODUCT_WORDS})\b)(?!{_NUMBER_WORDS})(?!{number_words_pattern()})"
)
_MENTION = re.compile(
    rf"\b(?P<phrase>(?:{_NOT_PRODUCT_START}(?=[\w×*/.+-]*[^\W\d_])[\w×*/.+-]+\s+){{0,5}}"
    rf"{_NOUN_OR_COMPOUND})(?![\w])",
    re.I,
)
# Chinese product words: the spec tokens written right before them ("600x600 40W面板灯").
_HAN_MENTION = re.compile(
    rf"(?P<phrase>(?:(?<![A-Za-z0-9×*/.+-])(?=[A-Za-z0-9×*/.+-]*[A-Za-z])[A-Za-z0-9×*/.+-]+\s*)"
    rf"{{0,4}}(?:{_HAN_NOUN_ALT}))"
)


def _words(code: str) -> str:
    """Every language's words of ``code`` (``i18n/lexicon/<lang>.yaml``: rfq_words), whole:
    word edges around those of spaced scripts, none around Chinese ones."""
    every = patterns("rfq_words")[code]
    latin = "|".join(w for w in every if not has_han(w) and "{S}" not in w)
    started = [w.replace("{S}", START) for w in every if "{S}" in w]
    return "|".join([rf"{START}(?:{latin}){END}", *started, *(w for w in every if has_han(w))])


_ORIGIN_TERMS = frozenset({"EXW", "FCA", "FAS", "FOB"})
# Where the place after an Incoterm ends: "CIF Hamburgo con CE", "FOB 深圳 需要".
_INCOTERM_WINDOW_END = re.compile(_words("place_end"), re.I)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# Month names in Spanish, German, French and Portuguese (folded: "marz", "fevrier", "marco").
_OTHER_MONTHS = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre"
    r"|diciembre|januar|februar|marz|april|mai|juni|juli|august|september|oktober|november"
    r"|dezember|janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|novembre"
    r"|decembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|dezembro"
)
_OTHER_QUALIFIERS = (
    r"principios de|inicios de|comienzos de|mediados de|finales de|fines de|fin de|anfang"
    r"|mitte|ende|debut|fin|mi-|fin d'|inicio de|meados de|final de|fim de|comeco de"
)
# "next month" in the other languages, folded ("mois prochain", "próximo mês", "nächsten Monats").
_NEXT_PERIOD = (
    r"(?:(?:proxim[oa]|nachste[nrs]?|kommende[nrs]?|prochaine?|siguiente)\s+"
    r"(?:mes|mois|monat|monats|woche|semaine|semana|ano|jahr|jahres|annee)"
    r"|(?:mois|mes|semaine|semana|annee|ano)\s+(?:prochaine?|que viene|que vem|siguiente"
    r"|seguinte|proxim[oa]))"
)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?:(?:the\s+)?(?:end|beginning|start|mid|middle|early|late)[ -](?:of\s+)?)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:,?\s+\d{{4}})?"
    rf"|(?:(?:{_OTHER_QUALIFIERS})\s*)?(?:\d{{1,2}}(?:\.|er|º|°|ª|o|a)?\s+(?:de\s+)?)?"
    rf"(?:{_OTHER_MONTHS})(?:\s+(?:de\s+|del\s+)?\d{{4}})?"
    rf"|q[1-4]\s*\d{{4}}|h[12]\s*\d{{4}}|t[1-4]\s+\d{{4}}|[1-4]\.\s*quartal(?:\s+\d{{4}})?"
    rf"|(?:primer|segundo|tercer|cuarto|premier|deuxieme|troisieme|quatrieme|primeiro"
    rf"|terceiro|quarto)\s+(?:trimestre|semestre)(?:\s+(?:de\s+)?\d{{4}})?"
    rf"|(?:with)?in\s+\d+\s+(?:days|weeks|months)"
    rf"|(?:en|dentro de|in|innerhalb von|dans|em|em ate)\s+\d+\s+"
    rf"(?:dias|semanas|meses|tagen|wochen|monaten|jours|semaines|mois)"
    rf"|(?:(?:the\s+)?(?:end|beginning|start|mid|middle|early|late)[ -](?:of\s+)?)?"
    rf"(?:this|next|coming)\s+(?:week|month|year)"
    rf"|(?:(?:{_OTHER_QUALIFIERS}|fin du|fin del|fim do|finales del|fines del|final del"
    rf"|mediados del|debut du|meados do|inicio do|ende des|anfang des|mitte des)\s*)?"
    rf"(?:(?:du|de la|de l'|del|do|da|des|le|la|el|o|a)\s+)?{_NEXT_PERIOD}"
    rf"|asap|as soon as possible)\b"
    rf"|(?:\d{{4}}\s*年\s*)?\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号])?(?:初|上旬|中旬|下旬|底|末|中)?"
    rf"|\d{{4}}\s*年(?:初|中|底|末)|(?:\d{{4}}\s*年)?第?[一二三四1-4]季度|[上下]半年"
    rf"|下个?月(?:初|上旬|中旬|下旬|底|末|中)?|下周|下星期"
    rf"|\d+\s*(?:个)?\s*(?:天|周|星期|月)(?:之内|以内|内)",
    re.I,
)
_CERT = re.compile(
    rf"{START}(CE|RoHS|REACH|UKCA|FCC|UL|cUL|ETL|cETL|DLC|DLC\s*premium|SAA|RCM|ERP|ErP|CB|ENEC"
    rf"|TUV|TÜV|SASO|INMETRO|PSE){END}",
    re.I,
)
_NO_CERTS = re.compile(_words("no_certs"), re.I)
_PAYMENT = re.compile(
    rf"{START}(?:L/?C|letter of credit|T/?T|telegraphic transfer|wire transfer|bank transfer"
    rf"|D/?P|D/?A|documents against (?:payment|acceptance)|open account|O/?A|net\s*\d+|escrow"
    rf"|trade assurance|paypal|deposit|in advance|prepayment|carta de credito|transferencia"
    rf"|anticipo|pago anticipado|akkreditiv|uberweisung|anzahlung|vorkasse|vorauskasse"
    rf"|vorauszahlung|\d+\s*(?:tage|tagen|days|jours|dias)\s*(?:netto|net|netos)|netto\s*\d+"
    rf"|lettre de credit|credit documentaire|remise documentaire|virement|acompte"
    rf"|paiement d'avance"
    rf"|pagamento antecipado|adiantamento){END}|信用证|电汇|定金|订金|预付|付款交单|承兑交单",
    re.I,
)
# "8,50 $ CA", "12 $ US": the dollar's country after the sign, in capitals.
_DOLLAR_OF = r"(?:\s?(?-i:CAN|CA|US|AUS|AU|NZ|HK|SG|MX)(?![A-Za-z]))"
_MONEY = re.compile(
    rf"(?:(?:(?-i:[A-Z]{{1,3}})\$|USD|EUR|GBP|AUD|CAD|CNY|RMB|JPY|AED|BRL|\${_DOLLAR_OF}?|€|£|¥)"
    r"\s?\d+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?\s?(?:USD|EUR|GBP|AUD|CAD|CNY|RMB|JPY|AED|BRL|dollars?|euros?|pounds?"
    rf"|d[oó]lares|reais|美元|欧元|元|人民币|(?-i:[A-Z]{{1,3}})\$|\${_DOLLAR_OF}?"
    r"|€|£))"
    r"(?:\s*(?:/|per|por|pro|je|par|la|l['’]|每)\s*(?:unit[eé]|unidade|pcs|pc|piece|unit"
    r"|set|pieza|unidad|st[uü]ck|stk|pi[eè]ce|pe[cç]a|个|件|只|套))?",
    re.I,
)
_SAMPLE = re.compile(_words("sample"), re.I)
_NEGATION = re.compile(_words("negation"), re.I)
# Words that name a buyer's business anywhere in a message (the lexicon's business_names;
# the business type normaliser reads them too).
_BUSINESS_NAMES = [a for names in patterns("business_names").values() for a in names]
_BUSINESS = re.compile(
    rf"{START}(?:{'|'.join(a for a in _BUSINESS_NAMES if not has_han(a))}){END}"
    rf"|{'|'.join(a for a in _BUSINESS_NAMES if has_han(a))}",
    re.I,
)
# A company name: capitalised words (accented capitals too: "Éclairage Boréal inc."), with the
# small words that join them ("Iluminação do Norte Ltda", "Lumières du Sud SARL", "Distribuidora
# del Pacífico S.A."), then the legal form. Longer forms first: "S.A.S." is not "S.A".
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][\w&'’.-]*"
_COMPANY_JOINERS = "|".join(re.escape(w) for w in words("name_joiners") if w != "d'")
_LEGAL_FORMS = (
    r"GmbH(?: & Co\.? KG)?|S\.A\. de C\.V\.|S\.?A\.?S\.?|S\.?L\.?U\.?|S\.?p\.?A\.?|S\.?r\.?l\.?"
    r"|S\.?R\.?L\.?|S\.?A\.?C\.?|S\.?A\.?|S\.?L\.?|AG|KG|Ltda\.?|Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?"
    r"|Corp\.?|Corporation"
    r"|B\.?V\.?|N\.?V\.?|Pty\.? Ltd\.?|Co\.,? Ltd\.?|SARL|SAS|SPRL|Oy|AB|A/S|ApS|PLC|LLP|Lda\.?"
    r"|SpA|Sp\. z o\.o\.|e\.K\.|UG|EIRELI|Cía\.?|inc\.?|ltda\.?|ltd\.?|lda\.?|gmbh|sarl|llc"
)
_COMPANY = re.compile(
    rf"\b((?:{_CAPITAL_WORD}\s+(?:(?:{_COMPANY_JOINERS})\s+|d['’])*){{0,5}}{_CAPITAL_WORD}\s+"
    rf"(?:{_LEGAL_FORMS}))(?![\w-])"
    rf"|((?<![{HAN}])[{HAN}A-Za-z0-9（）()]{{2,30}}?(?:股份有限公司|有限责任公司|有限公司|集团))"
)
_NAME_INTRO = re.compile(
    r"\b(?:[Mm]y name is|[Nn]ame:|[Tt]his is|I am|I'm|I’m|[Mm]e llamo|[Mm]i nombre es|[Ss]oy"
    r"|[Ii]ch bin|[Mm]ein Name ist|[Ii]ch heiße|[Jj]e m'appelle|[Jj]e m’appelle|[Mm]on nom est"
    r"|[Mm]eu nome é|[Mm]e chamo|[Ss]ou o|[Ss]ou a|[Hh]ier ist|[Hh]ier spricht)\s+"
    r"([A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+(?:(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|le|la"
    r"|el|al|bin|ben)\s+)?[A-ZÀ-ÖØ-Þ][\w'’-]+){0,3})"
    rf"|(?:我叫|我的名字是|我名字叫)([{HAN}]{{2,4}}|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})"
)
_ADD = re.compile(_words("add"), re.I)
_REMOVE = re.compile(_words("remove"), re.I)
_CORRECTION = re.compile(_words("correction"), re.I)


# A bare count written before a model number: "500 PNL-6060-40W", "300 x DRV-CC-40W",
# "8000 of HB-UFO-200W", "3k of DRV-DALI-40W", "2.000 de PNL-6060-40W".
_COUNT_BEFORE_MODEL = re.compile(
    rf"{START}(?P<num>(?:{_NUMBER})(?:\s*(?:k|mil|mille|tausend)(?![a-z]))?)"
    r"\s*(?:[x×*]\s*|(?:of|de|del|von|do|da|des|du)\s+)?$",
    re.I,
)
