"""Reading RFQ facts from a buyer's free text.

A buyer who writes "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS,
by 15 March 2027" is not asked again for any of it. This module finds the spans (quantities
with their units, model numbers and product words, ports and countries, Incoterms, dates,
certifications, payment terms, prices, contact details) and hands each to the normaliser of
`sales.normalizers`, which turns it into the contract's value or a readable reason.

When the bot has just asked for one field (``expecting``), the whole message is first read as
that field's answer ("Hamburg", "yes", "end of April").

Buyers write in English, Chinese, Spanish, German, Portuguese and French: "Necesitamos 5.000
paneles 600x600 40W para Hamburgo, CIF, con CE y RoHS, antes del 15 de marzo de 2027" and
"我们需要5000个600x600 40W面板灯，发往汉堡，CIF，需要CE和RoHS认证，2027年3月15日前交货" fill the
same facts. Chinese has no spaces, so words are found with the edges of
`sales.normalizers.word_edges` rather than ``\b``. Sentences for the buyer are ``Msg`` of the
catalog's ``validation`` area.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import phonenumbers

from sales.i18n import Msg
from sales.i18n.lexicon import is_decline, is_filler, is_one_of, mentions, words
from sales.normalizers import (
    parse_business_type,
    parse_certifications,
    parse_company_name,
    parse_destination,
    parse_email,
    parse_incoterm,
    parse_money,
    parse_payment_terms,
    parse_person_name,
    parse_phone,
    parse_quantity,
    parse_required_by,
    parse_yes_no,
)
from sales.normalizers._text import clean, fold, fold_chars
from sales.normalizers.countries import find_places
from sales.normalizers.incoterms import TERM_PATTERN
from sales.normalizers.numbers import CHINESE_NUMERALS, number_words_pattern
from sales.normalizers.quantity import UNIT_SYNONYMS
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import END, HAN, START, alternatives, has_han
from sales.rfq import typos
from sales.rfq.products import CATEGORY_WORDS, Catalog, category_of, match_product
from sales.rfq.state import BUYER_SLOTS, PENDING_QUANTITY

# ---- spans -------------------------------------------------------------------------------

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
_HAN_UNITS = ("个", "件", "套", "只", "支", "片", "盏", "台", "对", "箱", "托", "柜", "米")
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
# A number that is a specification, not a count: 40W, 1200mm, 4000K, 230V, 600x600, 90%.
_SPEC_AFTER_NUMBER = (
    r"(?!-?\s*(?:hours?|hrs?|horas?|stunden|heures?|小时)(?![a-z]))"  # "3-hour": a duration
    r"(?!\s*(?:w|watts?|mm|cm|v|vac|lm|lumens?|°|%|ma|k\s*(?:\d|cct)"
    r"|x\s*\d+(?!\d)(?!\s*(?:hq|gp|ft|'|’|-?\s*fus)))(?![a-z]))"
)
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
    rf"|(?:(?!(?:and|y|und|et|e|plus|\d)(?![\w-]))(?!\d)[\w-]+\s+){{0,5}}?(?:{_MENTION_NOUNS}){END}"
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
    r"pieces|unites|aussi|sans|"
    r"o|os|as|um|uma|e|com|precisamos|preciso|gostariamos|cotacao|orcamento|pecas|tambem|sem"
)
_NOT_PRODUCT_START = (
    rf"(?!(?:{_NOT_PRODUCT_WORDS})\b)(?!{_NUMBER_WORDS})(?!{number_words_pattern()})"
)
_MENTION = re.compile(
    rf"\b(?P<phrase>(?:{_NOT_PRODUCT_START}(?=[\w×*/.+-]*[^\W\d_])[\w×*/.+-]+\s+){{0,5}}"
    rf"(?:{_MENTION_NOUNS}))(?![\w])",
    re.I,
)
# Chinese product words: the spec tokens written right before them ("600x600 40W面板灯").
_HAN_MENTION = re.compile(
    rf"(?P<phrase>(?:(?<![A-Za-z0-9×*/.+-])(?=[A-Za-z0-9×*/.+-]*[A-Za-z])[A-Za-z0-9×*/.+-]+\s*)"
    rf"{{0,4}}(?:{_HAN_NOUN_ALT}))"
)
_ORIGIN_TERMS = frozenset({"EXW", "FCA", "FAS", "FOB"})
# Where the place after an Incoterm ends: "CIF Hamburgo con CE", "FOB 深圳 需要".
_INCOTERM_WINDOW_END = re.compile(
    rf"{START}(?:with|by|and|for|payment|please|con|y|antes|hasta|pago|mit|und|bis|zahlung"
    rf"|avec|et|avant|paiement|com|e|ate|pagamento|instead|rather|not|em vez|ao inves|en vez"
    rf"|en lugar|statt|anstatt|au lieu|plutot|no|nicht|pas|nao){END}|需要|和|付款|交货|而不是|不是",
    re.I,
)
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
_NO_CERTS = re.compile(
    rf"{START}(?:no|none|not needed|no certifications?|don'?t need|not required|ninguna|ninguno"
    rf"|no necesitamos|no hace falta|sin certificacion|keine|nicht notig|nicht erforderlich"
    rf"|aucune|aucun|pas besoin|pas necessaire|nenhuma|nenhum|nao precisa|sem certificacao)"
    rf"{END}|不需要|无需|不用|没有要求",
    re.I,
)
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
_SAMPLE = re.compile(
    rf"{START}(?:samples?|muestras?|muster|echantillons?|amostras?){END}|样品|样板",
    re.I,
)
_NEGATION = re.compile(
    rf"{START}(?:no|not|don'?t|do not|without|skip|none|sin|ohne|kein|keine|keinen|nicht|sans"
    rf"|pas de|sem|nao){END}|{START}pas d'|不|无需|免",
    re.I,
)
_BUSINESS = re.compile(
    rf"{START}(?:importers?|distributors?|wholesalers?|wholesale|retailers?|retail|contractors?"
    rf"|installers?|integrators?|end[- ]users?|for our own (?:use|warehouse|factory|building)"
    rf"|own use|importador(?:es|a|as)?|distribuidor(?:es|a|as)?|mayoristas?|minoristas?"
    rf"|contratistas?|instalador(?:es|a|as)?|usuarios? finale?s?|importeur(?:e)?|gros{{1,2}}handler"
    rf"|einzelhandler|handler|installateur(?:e|s)?|elektroinstallateur(?:e)?|endkunden?"
    rf"|importateurs?|distributeurs?|grossistes?|detaillants?|utilisateurs? finale?s?"
    rf"|atacadistas?|varejistas?|empreiteir(?:o|a|os|as)|revendedor(?:es|a|as)?"
    rf"|usuarios? finais|consumidor final){END}"
    r"|进口商|经销商|分销商|代理商|批发商|零售商|承包商|工程商|集成商|终端用户|自用",
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
_ADD = re.compile(
    rf"{START}(?:add|also|too|as well|plus|another|additionally|in addition|and also|anadir"
    rf"|agregar|anada|agregue|tambien|ademas|hinzufugen|zusatzlich|auch|noch|ajouter|ajoutez"
    rf"|aussi|egalement|en plus|adicionar|adicione|acrescentar|tambem|alem disso){END}"
    r"|再加|加上|另外|还要|也要|增加|追加",
    re.I,
)
_REMOVE = re.compile(
    rf"{START}(?:remove|delete|drop|take out|cancel the|no longer need|don'?t need the"
    rf"|do not need the|without the|forget the|quitar|quite|quitad|eliminar|elimine|borrar"
    rf"|ya no necesitamos|entfernen|entfernen sie|streichen|loschen|brauchen keine"
    rf"|supprimer|supprimez|retirer|retirez|enlever|enlevez|remover|remova|tirar|tire"
    rf"|excluir|exclua|nao precisamos mais|tira|tirem|retira|retire|retirar|remove os|sem os"
    rf"|sin los|sin las|ohne die|sans les){END}|删除|删掉|去掉|不要了|取消",
    re.I,
)
_CORRECTION = re.compile(
    rf"{START}(?:actually|instead|change|rather|sorry|i meant|make it|correction|update"
    rf"|en realidad|mejor|cambiar|cambie|perdon|corrijo|mas bien|eigentlich|doch|lieber"
    rf"|andern|korrektur|stattdessen|vielmehr|en fait|plutot|changer|changez|pardon|finalement"
    rf"|corriger|na verdade|alias|mudar|mude|alterar|altere|corrigindo|desculpe|melhor"
    rf"|prefiro|prefira){END}"
    r"|改成|改为|其实|更正|修改|换成",
    re.I,
)


_QUESTION_START = re.compile(
    # after a lead-in ("Kurze Frage:", "Question rapide :", "Antes de continuar:")
    r"^\s*(?:[^:?]{1,40}:\s*)?(what|which|how|is|are|do|does|did|can|could|will|would|where|when|why|who|whose|"
    r"tell me|explain|qu[eé]|cu[aá]l|c[oó]mo|d[oó]nde|cu[aá]ndo|cu[aá]nto|tienen|hay|puede|"
    r"pueden|was|welche|welcher|wie|gibt|haben|ist|sind|kann|k[oö]nnen|wo|wann|warum|quel|"
    r"quelle|quels|est-ce|combien|pouvez|avez|o que|qual|quais|quanto|quando|onde|como|"
    r"voc[eê]s|podem|t[eê]m)\b",
    re.I,
)
# French inversion: "ce panneau est-il sans scintillement", "offrez-vous une garantie"
_INVERSION = re.compile(r"(?i)\b\w+-(?:t-)?(?:il|elle|ils|elles|vous|on|nous)\b")
_HAN_QUESTION = re.compile(r"吗|呢|什么|多少|是否|能否|有没有|怎么|哪些|哪个|几")


def is_question(text: str) -> bool:
    """A question rather than an answer ("is it flicker-free?" vs "lots of them")."""
    return (
        "?" in text
        or "？" in text
        or bool(_HAN_QUESTION.search(text))
        or bool(_QUESTION_START.match(text))
        or bool(_INVERSION.search(text))
    )


@dataclass
class Extraction:
    """What a message says: slot values to set, sentences for the buyer, a reason per field
    that the buyer was asked for and that could not be read."""

    slots: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def set(self, slot: str, parsed: Parsed[Any], value: Any = None) -> bool:
        if not parsed.ok:
            return False
        self.slots[slot] = parsed.value if value is None else value
        self.notes.extend(parsed.notes)
        return True


def _money_dict(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:f}", "currency": currency}


def _quantity_dict(parsed_value: Any) -> dict[str, str | None]:
    return {"quantity": f"{parsed_value.amount:f}", "unit": parsed_value.unit or "pcs"}


# ---- answers to the question just asked ----------------------------------------------------


def _direct(
    slot: str,
    text: str,
    out: Extraction,
    *,
    today: date,
    state: Mapping[str, Any],
    catalog: Catalog,
) -> None:
    """Read the whole message as the answer to ``slot``; record the reason if unreadable."""
    parsed: Parsed[Any]
    if slot == "destination":
        named = [m.destination for m in find_places(text)]
        place = next((d for d in named if d.place), named[0] if named else None)
        if place is not None and len(text.split()) > 3:  # "They'd go to Auckland, New Zealand"
            out.slots["destination"] = {"country": place.country, "place": place.place}
            return
        parsed = parse_destination(text)
        if parsed.ok:
            out.slots["destination"] = {
                "country": parsed.value.country,
                "place": parsed.value.place,
            }
            return
    elif slot == "incoterm":
        parsed = parse_incoterm(text)
        if "," in text and (first := parse_incoterm(text.split(",")[0])).ok and first.value:
            parsed = first  # "DAP Recife, T/T, Sim": the place is the first part's
        if parsed.ok:
            _set_incoterm(parsed.value, out, state)
            return
    elif slot == "required_by":
        parsed = parse_required_by(text, today=today)
        if parsed.ok and parsed.value.date:
            out.set("required_by", parsed, parsed.value.date.isoformat())
            return
        if parsed.ok and parsed.value.asap:
            out.slots["required_by"] = _asap(state, today, catalog).isoformat()
            out.notes.append(Msg("validation.reader.urgent"))
            return
    elif slot == "certifications":
        if _NO_CERTS.search(fold_chars(text)) and not _CERT.search(text):
            out.slots["certifications"] = []
            return
        parsed = parse_certifications(text)
        if parsed.ok:
            out.set("certifications", parsed, list(parsed.value or ()))
            return
    elif slot == "payment_terms":
        parsed = parse_payment_terms(text)
        if parsed.ok:
            _set_payment(parsed.value, out)
            out.notes.extend(parsed.notes)
            return
    elif slot == "sample_requested":
        parsed = parse_yes_no(text)
        if out.set("sample_requested", parsed):
            return
    elif slot == "contact_confirmed":
        parsed = parse_yes_no(text)
        if parsed.ok:
            out.slots["contact_confirmed"] = parsed.value
            if not parsed.value:  # new details: ask them again
                out.slots.update(dict.fromkeys(BUYER_SLOTS))
            return
    elif slot == "business_type":
        parsed = parse_business_type(text)
        if out.set("business_type", parsed):
            return
    elif slot in ("company", "contact_name", "email", "phone"):
        _contact_block(slot, text, out, state)
        return
    elif slot == "quantity":
        parsed = parse_quantity(text)
        if parsed.ok:
            out.slots["quantity"] = _quantity_dict(parsed.value)
            return
    elif slot == "product":
        match = match_product(text, catalog)
        if match.sku or match.category or len(text.split()) <= 8:
            out.slots["product"] = {"description": _product_words(text), "sku": match.sku}
            return
        parsed = Parsed.failure(Msg("validation.reader.product_unclear"))
    else:
        return
    if parsed.error:
        out.errors[slot] = parsed.error


def _yes_no_part(text: str) -> bool | None:
    """A bare yes or no among the parts of a combined answer ("DAP Köln, Überweisung, Nein")."""
    for part in re.split(r"[,;\n]|\s+-\s+", text):
        part = part.strip(" .!")
        if not part or len(part.split()) > 3 or parse_payment_terms(part).ok:
            continue
        if parse_incoterm(part).ok:
            continue  # "no preference" answers the Incoterm, not the sample question
        if (answer := parse_yes_no(part)).ok:
            return bool(answer.value)
    return None


def _asap(state: Mapping[str, Any], today: date, catalog: Catalog) -> date:
    from sales.rfq.rules import earliest_date

    return earliest_date(state.get("items") or [], catalog, today)


def _set_incoterm(choice: Any, out: Extraction, state: Mapping[str, Any]) -> None:
    if choice is None:
        out.slots["incoterm"] = None
        out.slots["incoterm_place"] = None
        return
    out.slots["incoterm"] = choice.code
    cut = _INCOTERM_WINDOW_END.split(fold_chars(choice.place or ""), maxsplit=1)[0]
    named = (choice.place or "")[: len(cut)].strip(" ,.;")  # "Ningbo", not "Ningbo statt FCA"
    if choice.code in _ORIGIN_TERMS:
        # "FOB Shenzhen": the port of loading (the quote says so if it is not ours)
        if named and _PLACE_NAME.fullmatch(named):
            out.slots["incoterm_place"] = named
        elif "incoterm_place" not in out.slots:
            out.slots["incoterm_place"] = None
        return
    out.slots["incoterm_place"] = None  # CIF, DAP...: the place is the destination's
    if not named:
        return
    known = out.slots.get("destination") or state.get("destination")
    place = parse_destination(named)
    if not known:
        if place.ok:
            out.slots["destination"] = {"country": place.value.country, "place": place.value.place}
    elif not known.get("place") and known.get("country"):
        # "Brasil" first, then "DAP Recife": the city of that country, listed or not
        if place.ok and place.value.country == known["country"] and place.value.place:
            out.slots["destination"] = {"country": known["country"], "place": place.value.place}
        elif not place.ok and _PLACE_NAME.fullmatch(named):
            out.slots["destination"] = {"country": known["country"], "place": named}


# An unlisted place named after an Incoterm: one to four capitalised words ("Recife", "Porto
# Alegre", "Frankfurt am Main").
_PLACE_NAME = re.compile(
    r"[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:[ -](?:(?:am|de|do|da|del|du|sur)[ -])?[A-ZÀ-ÖØ-Þ][\w'’.-]+){0,3}"
)


def _set_payment(terms: Any, out: Extraction) -> None:
    out.slots["payment_terms"] = terms.code if terms else None
    out.slots["payment_detail"] = terms.detail if terms else None


def _looks_like_a_name(text: str) -> bool:
    """ "Highveld Electrical Wholesalers" (a name) rather than "we're wholesalers"."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’&.-]*", text)]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 2


# "Ansprechpartner: Jana Weber", "联系人：李娜", "Firma: ...": a label, then the value.
_LABELLED = re.compile(r"^\s*(?P<label>[^:：@\d]{1,30}?)\s*[:：]\s*(?P<value>.+)$")
# "Soy Andrés Gómez de Distribuidora Lumínica S.A.", "Sophie Martin de Sahel Électricité SA":
# two or three capitalised words, then "de/from/von/da/chez", then the company.
_PERSON_OF_COMPANY = re.compile(
    r"^(?P<person>[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,2})\s+"
    r"(?:de|from|von|da|do|chez|of|at|bei)\s+(?P<company>[A-ZÀ-ÖØ-Þ].+)$"
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
    parts = [p.strip() for p in re.split(r"[,;\n]|\s+-\s+|\s+/\s+", text) if p.strip()]
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
    # several parts come in the order asked (name, company); a single one answers the question
    wanted = [s for s in ("contact_name", "company") if s not in out.slots and not state.get(s)]
    if len(rest) == 1 and slot in wanted:
        wanted = [slot]
    for part, target in zip(rest, wanted, strict=False):
        parsed = parse_person_name(part) if target == "contact_name" else parse_company_name(part)
        if not out.set(target, parsed) and target == slot:
            out.errors[slot] = parsed.error or Msg("validation.reader.not_understood")
    if slot == "email" and "email" not in out.slots and "email" not in out.errors:
        out.errors["email"] = parse_email(text).error or Msg("validation.reader.email_wrong")


# ---- facts anywhere in the message --------------------------------------------------------


# Answers to the contact question: names and companies, which are not places or dates ("Jan
# Hoffmann" is no January, "Beatriz Lima" no Peru, "Edson dos Santos" no Brazilian port).
CONTACT_SLOTS = frozenset({"contact_name", "company", "email", "phone"})
# "发往德国汉堡", "ship to Santos": the place after these is where the goods go, whatever other
# place the message names ("我们是上海的一家经销商": the buyer's own city).
_DESTINATION_CUE = re.compile(
    rf"发往|运往|送到|送往|寄往|目的港[:：]?|目的地[:：]?|{START}(?:ship(?:ped|ping)?\s+to"
    rf"|deliver(?:ed|y)?\s+to|destination:?|envio a|envio para|enviar a|entrega en|entrega em"
    rf"|destino:?|lieferung nach|liefern nach|versand nach|livraison a|a destination de"
    rf"|expedition vers){END}\s*",
    re.I,
)
# Before a month named alone, the words that make it a date ("by May", "bis Juli", "en mayo").
_MONTH_CUE = re.compile(
    rf"{START}(?:by|in|until|till|before|of|mid|for|from|early|late|around|bis|im|ab|vor|ende"
    rf"|anfang|mitte|zum|en|para|antes de|hasta|desde|de|pour|avant|fin|debut|d'ici|ate|em"
    rf"|no|durante|a partir de){END}\s*$",
    re.I,
)
_MONTH_ONLY = re.compile(rf"(?:{_MONTHS}|{_OTHER_MONTHS})\.?", re.I)


def _person_spans(text: str, out: Extraction) -> list[tuple[int, int]]:
    """Where the message names a person or a company: no place or date is read there."""
    spans = [m.span(1) for m in _NAME_INTRO.finditer(text) if m.group(1)]
    spans += [m.span(1) for m in _COMPANY.finditer(text) if m.group(1)]
    for slot in ("contact_name", "company"):
        value = out.slots.get(slot)
        if isinstance(value, str) and value and (at := text.find(value)) >= 0:
            spans.append((at, at + len(value)))
    return spans


def _month_alone(folded: str, start: int, end: int) -> bool:
    """A month named without a day, year or "by": "Jan Hoffmann", "may I ask"."""
    if not _MONTH_ONLY.fullmatch(folded[start:end]):
        return False
    if _MONTH_CUE.search(folded[:start]):
        return False
    clause = _clause(folded, start, end)
    return clause.strip(" .!?") != folded[start:end].strip(" .")  # "..., April": a date


def _scan(
    text: str,
    out: Extraction,
    *,
    today: date,
    state: Mapping[str, Any],
    expecting: str | None = None,
) -> None:
    folded = fold_chars(text)  # same positions as text; lower case, no accents
    contact_answer = expecting in CONTACT_SLOTS
    people = _person_spans(text, out)

    def in_a_name(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in people)

    # the places the text names, looked up once: the destination and the dates both need them
    places = cache(lambda: find_places(text))
    # certification codes written in capitals: "SEC", "NOM" are schemes, not places
    schemes = cache(lambda: set(parse_certifications(text).value or ()))

    if "email" not in out.slots:
        for match in _EMAIL.finditer(text):
            if "." in match.group(0).split("@", 1)[1]:
                out.set("email", parse_email(match.group(0)))
    if "phone" not in out.slots:
        region = (state.get("destination") or {}).get("country") or "ZZ"
        for number in phonenumbers.PhoneNumberMatcher(text, region):
            out.set("phone", parse_phone(number.raw_string, default_region=region))
            break
    if "incoterm" not in out.slots:
        for match in TERM_PATTERN.finditer(folded):
            window = text[match.start() : match.end() + 40].split(",")[0]
            if stop := _INCOTERM_WINDOW_END.search(fold_chars(window), match.end() - match.start()):
                window = window[: stop.start()]
            parsed = parse_incoterm(window.strip())
            if parsed.ok and parsed.value:
                _set_incoterm(parsed.value, out, state)
                break
    if "destination" not in out.slots and not contact_answer:
        origin_place = None
        if out.slots.get("incoterm") in _ORIGIN_TERMS:
            origin = TERM_PATTERN.search(folded)
            origin_place = origin.end() if origin else None
        # "深圳光明照明有限公司": a Chinese company's name begins with its city
        han_companies = [m.span(2) for m in _COMPANY.finditer(text) if m.group(2)]
        cued = [m.end() for m in _DESTINATION_CUE.finditer(folded)]
        # "发往德国汉堡": the places right after a destination cue come first
        mentions = sorted(places(), key=lambda m: not any(0 <= m.start - at <= 1 for at in cued))
        if cued and any(0 <= m.start - at <= 1 for m in mentions for at in cued):
            after = [m for m in mentions if any(0 <= m.start - at <= 1 for at in cued)]
            # the cued place and what follows it at once ("德国" then "汉堡")
            last = after[0]
            for m in sorted(mentions, key=lambda m: m.start):
                if m not in after and 0 <= m.start - last.end <= 1 and m.start > last.start:
                    after.append(m)
                    last = m
            mentions = sorted(after, key=lambda m: m.start)
        for mention in mentions:
            if origin_place is not None and 0 <= mention.start - origin_place <= 2:
                continue  # "FOB Ningbo": the port of loading, not the destination
            if any(start <= mention.start < end for start, end in han_companies):
                continue
            if in_a_name(mention.start, mention.end):
                continue  # "Beatriz Lima", "Edson dos Santos", "Lima Lighting S.A."
            if text[mention.start : mention.end] in schemes():
                continue  # "CE and SEC": Chile's electrical scheme, not a place (Seč)
            out.slots["destination"] = {
                "country": mention.destination.country,
                "place": mention.destination.place,
            }
            if mention.destination.place:
                break
    if "required_by" not in out.slots and not contact_answer:
        # "Rio de Janeiro" names a city, not January
        spans = [(m.start, m.end) for m in places()]
        for match in _DATE.finditer(folded):
            phrase = text[match.start() : match.end()]
            if _month_alone(folded, match.start(), match.end()):
                continue  # "Jan Hoffmann", "may" the verb
            if in_a_name(match.start(), match.end()) or any(
                s < match.end() and match.start() < e for s, e in spans
            ):
                continue
            parsed = parse_required_by(re.sub(r"(?i)^the\s+", "", phrase), today=today)
            if parsed.ok and parsed.value.date:
                out.set("required_by", parsed, parsed.value.date.isoformat())
                break
    if "certifications" not in out.slots:
        # a code found in a sentence is written in capitals: "ce panneau" is French for "this panel"
        codes = [
            m.group(0)
            for m in _CERT.finditer(text)
            if expecting == "certifications" or not m.group(0).islower()
        ]
        codes = [
            c for c in codes if c.upper() != "GS" or "TUV" in text.upper() or "TÜV" in text.upper()
        ]
        if codes:
            parsed = parse_certifications(" ".join(codes))
            if parsed.ok:
                out.set("certifications", parsed, list(parsed.value or ()))
    if "payment_terms" not in out.slots and (match := _payment_mention(text, folded)):
        clause = _payment_clause(text, match.start(), match.end())
        parsed = parse_payment_terms(clause)
        if not parsed.ok:
            parsed = parse_payment_terms(text[match.start() : match.end()])
        if parsed.ok and parsed.value:
            _set_payment(parsed.value, out)
            out.notes.extend(parsed.notes)
    if "sample_requested" not in out.slots and (match := _SAMPLE.search(folded)):
        clause = _clause(folded, match.start(), match.end())
        out.slots["sample_requested"] = not _NEGATION.search(clause)
    if "business_type" not in out.slots and (match := _BUSINESS.search(folded)):
        out.set("business_type", parse_business_type(text[match.start() : match.end()]))
    if "company" not in out.slots and (match := _COMPANY.search(text)):
        out.set("company", parse_company_name(match.group(1) or match.group(2)))
    if "contact_name" not in out.slots and (match := _NAME_INTRO.search(text)):
        out.set("contact_name", parse_person_name(match.group(1) or match.group(2)))


def _payment_mention(text: str, folded: str) -> re.Match[str] | None:
    """The first payment method named; "da" (Portuguese, Spanish) is D/A only as "DA"."""
    for match in _PAYMENT.finditer(folded):
        if folded[match.start() : match.end()] == "da" and text[match.start()] != "D":
            continue
        return match
    return None


# A clause that goes on with the payment terms: "…, 70% against B/L copy", "…, balance before…".
_PAYMENT_GOES_ON = re.compile(
    rf"\d\s*%|{START}(?:balance|rest|remaining|saldo|resto|restbetrag|solde|reste){END}"
    r"|余款|尾款|余额",
    re.I,
)


def _payment_clause(text: str, start: int, end: int) -> str:
    """The clause naming the payment terms and the clauses that continue the split."""
    left, right = _clause_bounds(text, start, end)
    while right < len(text) and text[right] in ",;":
        _, after = _clause_bounds(text, right + 1, right + 1)
        following = text[right + 1 : after]
        if not following.strip() or not _PAYMENT_GOES_ON.search(fold_chars(following)):
            break
        right = after
    return text[left:right].strip()


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(sep, 0, start) for sep in (",", ";", ".", "\n"))
    rights = [i for sep in (",", ";", "\n") if (i := text.find(sep, end)) >= 0]
    return left + 1, min(rights) if rights else len(text)


def _clause(text: str, start: int, end: int) -> str:
    left, right = _clause_bounds(text, start, end)
    return text[left:right].strip()


# ---- items ---------------------------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    words: str
    sku: str | None
    category: str | None


# Leading words that are not the product's name: articles and "of" in the six languages.
_LEADING = re.compile(
    r"(?i)^(?:the|a|an|some|our|your|of|los|las|el|la|unos|unas|de|del|die|der|das|den|einige"
    r"|les|le|des|du|os|as|o|uns|umas|dos|das)\s+"
)


def _product_words(text: str) -> str:
    words = text.strip(" .,!?。")
    while (stripped := _LEADING.sub("", words)) != words:
        words = stripped
    return words[:200]


# Where the words about one product end: "T8 glass tubes, 1200 mm 18W. Also ..." -> "T8 ...18W".
_CLAUSE_END = re.compile(
    rf"[.;!?\n。]|{START}(?:also|for|to|by|with|con|para|hasta|antes|adem[aá]s|mit|nach|bis"
    rf"|au(?:ss|ß)erdem|avec|pour|avant|aussi|com|ate|tamb[eé]m){END}|[与]|另外|还要|再加"
    rf"|发往|运往|需要"
    # "and" goes on with the specs when a figure follows: "de 150 cm y 22 W", "1200mm和18W"
    rf"|(?:{START}(?:and|plus|y|und|et|e){END}|和)"
    rf"(?!\s*\d+(?:[.,]\d+)?\s*(?:w|watts?|mm|cm|k|v|lm|ma)(?![^\W\d_]))",
    re.I,
)
_SPEC_TAIL_CHARS = 40


def _spec_tail(text: str, end: int) -> str:
    """The words after a product noun that still describe it ("..., 1200 mm 18W")."""
    tail = text[end : end + _SPEC_TAIL_CHARS]
    stop = _CLAUSE_END.search(tail)
    return tail[: stop.start()] if stop else tail


# Chinese puts what describes a product before its noun ("T8玻璃灯管": T8 glass tube); the
# describing words reach back to the clause's start, the last count ("5000个") or "的" (what
# stands before "的" is a part or feature, "带应急电源的面板灯": a panel with an emergency kit).
_HAN_HEAD_STOP = re.compile(rf"[，。：；、,:;!?！？的]|\d\s*(?:{'|'.join(_HAN_UNITS)})")
_HAN_HEAD_CHARS = 12


def _han_head(text: str, start: int) -> str:
    """The words right before a Chinese product noun that still describe it."""
    head = text[max(0, start - _HAN_HEAD_CHARS) : start]
    stops = list(_HAN_HEAD_STOP.finditer(head))
    return head[stops[-1].end() :] if stops else head


def _product_mentions(text: str, catalog: Catalog, context_category: str | None) -> list[_Mention]:
    skus: list[_Mention] = []
    for sku in catalog.find_skus(text):
        at = text.upper().find(sku.upper())
        start = at if at >= 0 else 0
        product = catalog.product(sku)
        category = product.get("category") if product else None
        skus.append(_Mention(start, start + len(sku), sku, sku, category))
    mentions: list[_Mention] = []
    folded = fold_chars(text)  # the nouns are listed folded ("paineis" for "painéis")
    found_nouns = [*_MENTION.finditer(folded), *_HAN_MENTION.finditer(text)]
    for match in sorted(found_nouns, key=lambda m: m.start()):
        if any(m.start < match.end() and match.start() < m.end for m in skus):
            continue
        if any(m.start < match.end() and match.start() < m.end for m in mentions):
            continue
        phrase = text[match.start("phrase") : match.end("phrase")]
        tail = _spec_tail(text, match.end())
        # a model number right next to the words names the same product
        beside = next(
            (
                m
                for m in skus
                if 0 <= m.start - match.end() <= len(tail) or 0 <= match.start() - m.end <= 2
            ),
            None,
        )
        if beside is not None:
            skus.remove(beside)
            start, end = min(beside.start, match.start()), max(beside.end, match.end())
            mentions.append(
                _Mention(start, end, _product_words(phrase), beside.sku, beside.category)
            )
            continue
        head = _han_head(text, match.start("phrase")) if has_han(phrase) else ""
        found = match_product(f"{head}{phrase} {tail}", catalog, context_category=context_category)
        if found.sku is None and (extra := _with_clause(text, match.end() + len(tail))):
            # "Einlegepanels 600x600 mit UGR<19, 30 W": what comes with it still describes it
            again = match_product(
                f"{head}{phrase} {tail} {extra}", catalog, context_category=context_category
            )
            found = again if again.sku else found
        if found.category is None and not _GENERIC.search(fold(phrase)):
            continue
        mentions.append(
            _Mention(match.start(), match.end(), _product_words(phrase), found.sku, found.category)
        )
    mentions = _features_merged(text, mentions, catalog, context_category)
    mentions.extend(skus)
    if not mentions and context_category:
        # "add 500 pcs of the 60W too": the wattage names a product of the category in hand
        watt = re.search(
            rf"(?i){START}\d{{1,4}}\s*w{END}(?:\s+(?:version|model|one|ones|modelo|versión"
            rf"|versao|version|modell|variante))?",
            text,
        )
        if watt:
            found = match_product(watt.group(0), catalog, context_category=context_category)
            mentions.append(
                _Mention(watt.start(), watt.end(), watt.group(0), found.sku, found.category)
            )
    return sorted(mentions, key=lambda m: m.start)


# "panels with a 3-hour emergency pack", "paneles con kit de emergencia", "带应急电源的面板灯": the
# second product words describe the first product, they are not a second one.
_WITH = re.compile(
    rf"{START}(?:with|con|com|mit|avec|inkl|including|incluyendo|incluindo|y con|e com){END}",
    re.I,
)
_NOT_BETWEEN_FEATURES = re.compile(rf"[.;!?\n。]|{START}(?:and|und|et|y|e|plus){END}", re.I)
# a count after "with" is another item ("500 tubes with 200 floodlights"), a duration is not
_COUNT_AFTER_WITH = re.compile(r"\d+(?![\d-]|\s*-?\s*(?:hours?|hrs?|horas?|stunden|heures?|h\b))")


def _with_clause(text: str, at: int) -> str:
    """The specs after "with" right at ``at`` ("mit UGR<19, 30 W"), unless they name a count or
    another product ("with 200 floodlights")."""
    said = _WITH.match(text, at + len(text[at:]) - len(text[at:].lstrip()))
    if said is None:
        return ""
    clause = re.split(r"[.;!?\n。]", text[said.end() : said.end() + _SPEC_TAIL_CHARS])[0]
    folded = fold_chars(clause)
    if _QUANTITY.search(folded) or _MENTION.search(folded) or _HAN_MENTION.search(clause):
        return ""
    return clause


def _features_merged(
    text: str, mentions: list[_Mention], catalog: Catalog, context_category: str | None
) -> list[_Mention]:
    kept: list[_Mention] = []
    merged: set[int] = set()
    for i, mention in enumerate(mentions):
        if i in merged:
            continue
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if following is not None:
            between = text[mention.end : following.start]
            with_word = _WITH.search(between)
            if (
                mention.sku is None
                and with_word
                and not _NOT_BETWEEN_FEATURES.search(between[: with_word.start()])
                and not _COUNT_AFTER_WITH.search(between[with_word.end() :])
            ):
                features = text[mention.end : following.end + _SPEC_TAIL_CHARS]
                found = match_product(
                    f"{mention.words} {_spec_tail(text, mention.end)}",
                    catalog,
                    context_category=context_category,
                    features=features,
                )
                kept.append(
                    _Mention(
                        mention.start, following.end, mention.words, found.sku, mention.category
                    )
                )
                merged.add(i + 1)
                continue
            if (
                following.sku is None
                and text[: mention.start].endswith("带")
                and between.strip() == "的"
            ):
                found = match_product(
                    following.words,
                    catalog,
                    context_category=context_category,
                    features=mention.words,
                )
                kept.append(
                    _Mention(
                        mention.start, following.end, following.words, found.sku, following.category
                    )
                )
                merged.add(i + 1)
                continue
        kept.append(mention)
    return kept


# Before a count that is being replaced: "no 10 mil", "not 10,000", "statt 5.000", "不是".
_NOT_BEFORE = re.compile(
    rf"{START}(?:no|not|nicht|pas|nao|statt|anstatt|instead of|rather than|en vez de"
    rf"|en lugar de|au lieu de|em vez de)\s*$|不是\s*$",
    re.I,
)
# A count without a unit in a correction: "son 2,5k", "make it 10.000" (a multiplier or
# thousands, so that no date, size or price is taken for one).
_BARE_COUNT = re.compile(
    rf"{START}(?P<num>\d+(?:[.,]\d+)?\s*(?:k|mil|mille|tausend)(?![a-z])|\d{{1,3}}(?:[.,']\d{{3}})+"
    rf"(?!\d|[.,]\d))(?!\s*(?:[%°$€£¥]|usd|eur|mm|cm|w\b))",
    re.I,
)


def _bare_counts(text: str) -> list[dict[str, str | None]]:
    folded = fold_chars(text)
    prices = [m.span() for m in _MONEY.finditer(text)]
    found = []
    for match in _BARE_COUNT.finditer(folded):
        if any(s <= match.start() < e for s, e in prices):
            continue
        if _NOT_BEFORE.search(folded[: match.start()]):
            continue
        parsed = parse_quantity(text[match.start("num") : match.end("num")] + " pcs")
        if parsed.ok:
            found.append(_quantity_dict(parsed.value))
    return found


def _old_counts(text: str) -> list[Decimal]:
    """The counts a correction says are no longer wanted: "make that 2,500, not 5,000"."""
    folded = fold_chars(text)
    found = []
    for match in _BARE_COUNT.finditer(folded):
        if _NOT_BEFORE.search(folded[: match.start()]):
            parsed = parse_quantity(text[match.start("num") : match.end("num")] + " pcs")
            if parsed.ok:
                found.append(parsed.value.amount)
    return found


def _item_corrected(text: str, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The item a count correction without a product is about: the only one, or the only one
    with the count it says is no longer wanted; None when that is not clear."""
    if len(items) == 1:
        return items[0]
    old = set(_old_counts(text))
    having = [i for i in items if i.get("quantity") and Decimal(str(i["quantity"])) in old]
    return having[0] if len(having) == 1 else None


def _quantities(text: str) -> list[tuple[int, int, dict[str, str | None]]]:
    found = []
    names = [m.span(1) for m in _NAME_INTRO.finditer(text) if m.group(1)]
    prices = [m.span() for m in _MONEY.finditer(text)]
    folded = fold_chars(text)
    at = 0
    while match := _QUANTITY.search(folded, at):
        at = match.end()
        num = text[match.start("num") : match.end("num")]
        if any(s <= match.start("num") < e for s, e in names):
            at = match.end("num")  # "sou o Edson dos Santos": "dos" is no number there
            continue
        if any(s <= match.start("num") < e for s, e in prices):
            at = match.end("num")  # "a 11 EUR y 400 campanas": 11 is a price, 400 the count
            continue
        if _NOT_BEFORE.search(folded[: match.start("num")]):
            continue  # "son 2,5k, no 10 mil unidades": 10 mil is the old count
        unit = match.group("unit")
        if (
            not num[:1].isdigit()
            and re.search(r"(?<![\w.,])\d+(?:[ .,']\d{3})*(?![\w×*.,'])", unit)
            and not re.fullmatch(rf"(?i)(?:{_UNIT_WORDS})", unit.strip())
        ):
            at = match.end("num")  # "un prix pour 5 000 encastrés": the count is 5 000
            continue
        if re.fullmatch(r"(?i)\d{4,5}\s*k", num.strip()):
            continue  # 4000K: a colour temperature
        words = (
            num + " " + (unit if re.fullmatch(rf"(?i)(?:{_UNIT_WORDS})", unit.strip()) else "pcs")
        )
        if container := _CONTAINER.search(unit):  # "1x40HQ of T8 tubes": one 40HQ container
            words = text[match.start("num") : match.start("unit") + container.end()]
            words = _ONE_CONTAINER.sub("1", words)  # "un conteneur de 20 pieds"
        parsed = parse_quantity(words)
        if parsed.ok:
            found.append((match.start(), match.end(), _quantity_dict(parsed.value)))
    return found


# A bare count after a product in a correction: "change the tubes to 10k", "die Panels auf
# 8.000", "os drivers para 300", "灯管改成1万".
_BARE_COUNT_AFTER = re.compile(
    rf"^\s*(?:(?:to|auf|a|à|para|en|at|on|=|->|→)\s+|改成|改为|换成|:)?\s*"
    rf"(?P<num>(?:{_NUMBER})(?:\s*(?:k|mil|mille|tausend)(?![a-z])|\s*[千万])?)(?![\w.,]*\s*[%°])",
    re.I,
)


def _bare_count_after(text: str, end: int) -> dict[str, str | None] | None:
    found = _BARE_COUNT_AFTER.match(text[end : end + 25])
    if found is None:
        return None
    parsed = parse_quantity(found.group("num") + " pcs")
    return _quantity_dict(parsed.value) if parsed.ok else None


# A bare count written before a model number: "500 PNL-6060-40W", "300 x DRV-CC-40W".
_COUNT_BEFORE_MODEL = re.compile(rf"{START}(?P<num>{_NUMBER})\s*(?:[x×*]\s*)?$", re.I)


def _count_before_model(text: str, start: int) -> dict[str, str | None] | None:
    found = _COUNT_BEFORE_MODEL.search(text[max(0, start - 16) : start])
    if found is None:
        return None
    parsed = parse_quantity(found.group("num") + " pcs")
    return _quantity_dict(parsed.value) if parsed.ok else None


# "and" between two items: "2000 tubes and 300 floodlights", "2000支灯管和300个投光灯".
_AND = re.compile(rf"{START}(?:and|y|und|et|e){END}|[和与及]|以及", re.I)
_BETWEEN_ITEMS = re.compile(rf"[;.。]|{_AND.pattern}", re.I)
_GENERIC = re.compile(alternatives(_GENERIC_NOUNS))


def _same(item: Mapping[str, Any], mention: _Mention) -> bool:
    if mention.sku and item.get("sku"):
        return bool(item["sku"] == mention.sku)
    return bool(mention.category and item.get("category") == mention.category)


_POWER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*w(?![a-z])", re.I)


def _item_by_spec(
    items: list[dict[str, Any]], mention: _Mention, text: str
) -> dict[str, Any] | None:
    """The item "the 150W one" means: a mention without a product word of its own and without a
    model typed out, whose wattage one item of the request has (and only one)."""
    if not items or category_of(mention.words):
        return None  # "the 150W floodlights" may be another product
    if mention.sku and fold_chars(mention.sku) in fold_chars(text):
        return None  # a model typed out is that model
    powers = {m.group(1).replace(",", ".") for m in _POWER.finditer(mention.words)}
    if not powers:
        return None
    hits = [
        item
        for item in items
        if powers
        & {
            m.group(1).replace(",", ".")
            for m in _POWER.finditer(f"{item.get('sku') or ''} {item.get('description') or ''}")
        }
    ]
    return hits[0] if len(hits) == 1 else None


def _refers_to_pending(pending: Any, mention: _Mention, catalog: Catalog) -> bool:
    """ "this panel" while a panel is being asked about: no new product, nothing to change."""
    if not isinstance(pending, Mapping) or mention.sku not in (None, pending.get("sku")):
        return False
    category = pending.get("category")
    if category is None and pending.get("sku"):
        category = (catalog.product(pending["sku"]) or {}).get("category")
    if category is None:
        category = category_of(str(pending.get("description") or ""))
    return category is not None and category == mention.category


def _item_of_price(
    at: int, placed: list[tuple[int, dict[str, Any]]], items: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The item a price belongs to: the one named last before it ("2,000 PNL-6060-40W at USD
    12.50 and 500 floodlights at 30 USD"), else the first named after it ("USD 12 for the
    panels"), else the last item of the request ("target 12.50 USD")."""
    before = [item for start, item in placed if start < at]
    if before:
        return before[-1]
    if placed:
        return placed[0][1]
    return items[-1] if items else None


def _certifications_per_item(text: str, placed: list[tuple[int, dict[str, Any]]]) -> bool:
    """ "500 panels with CE and 200 street lights with ENEC": each item its own marks, when a
    message names several items and the marks differ between them (the request's list of
    certifications is read by the scan, as the union)."""
    if len({id(item) for _, item in placed}) < 2:
        return False
    found: dict[int, tuple[dict[str, Any], set[str]]] = {}
    for mention in _CERT.finditer(text):
        item = _item_of_price(mention.start(), placed, [])
        codes = parse_certifications(mention.group(0)).value or ()
        if item is not None:
            found.setdefault(id(item), (item, set()))[1].update(codes)
    if len({frozenset(codes) for _, codes in found.values()}) < 2:
        return False
    for item, codes in found.values():
        item["certifications"] = sorted(codes)
    return True


def _items(
    text: str, out: Extraction, *, state: Mapping[str, Any], expecting: str | None, catalog: Catalog
) -> None:
    items = [dict(item) for item in state.get("items") or []]
    context = items[-1].get("category") if items else None
    pending = state.get("product")
    people = _person_spans(text, out)  # "Luces del Plata S.R.L." names a company, no lights
    mentions = [
        m
        for m in _product_mentions(text, catalog, context)
        if not any(s < m.end and m.start < e for s, e in people)
    ]
    quantities = _quantities(text)
    changed = False

    folded = fold_chars(text)
    if _REMOVE.search(folded) and mentions:
        kept = [i for i in items if not any(_same(i, m) for m in mentions)]
        if len(kept) != len(items):
            out.notes.append(Msg("validation.reader.removed_items", count=len(items) - len(kept)))
            out.slots["items"] = kept
            return

    used: set[int] = set()
    placed: list[tuple[int, dict[str, Any]]] = []  # where this message names each item
    adding = bool(_ADD.search(folded))
    correcting = bool(_CORRECTION.search(folded))
    for mention in mentions:
        quantity = None
        for i, (qs, qe, q) in enumerate(quantities):
            if i in used:
                continue
            near_before = qe <= mention.start and not _BETWEEN_ITEMS.search(
                text[qe : mention.start]
            )
            near_after = (
                qs >= mention.end
                and qs - mention.end <= 25
                and not _AND.search(text[mention.end : qs])
            )
            overlapping = qs < mention.end and mention.start < qe
            if near_before or near_after or overlapping:
                quantity = q
                used.add(i)
                break
        if quantity is None and mention.sku:
            quantity = _count_before_model(text, mention.start)
        if quantity is None and correcting:
            quantity = _bare_count_after(text, mention.end)  # "change the tubes to 10k"
        product = {"description": mention.words, "sku": mention.sku, "category": mention.category}
        existing = next((i for i in items if _same(i, mention)), None)
        if existing is None and not adding:
            existing = _item_by_spec(items, mention, text)  # "the 150W one"
        if existing is not None and not adding:
            placed.append((mention.start, existing))
            if quantity or state.get(PENDING_QUANTITY):
                # a count, or the answer to "which product should 2,500 pcs be for?"
                existing.update(quantity or state[PENDING_QUANTITY])
                out.slots[PENDING_QUANTITY] = None
                changed = True
            elif correcting and mention.sku and existing.get("sku") != mention.sku:
                existing.update(product)
                changed = True
            elif mention.sku and not existing.get("sku"):
                # "800 drivers programáveis ..., DRV-STR-150W-P": the model of the item in hand
                existing.update(sku=mention.sku, category=mention.category)
                changed = True
            continue
        if quantity:
            items.append({**product, **quantity, "target_price": None})
            placed.append((mention.start, items[-1]))
            changed = True
        elif correcting and items and not adding:
            items[-1].update(product)
            placed.append((mention.start, items[-1]))
            changed = True
        elif _refers_to_pending(pending, mention, catalog):
            continue  # "ist das Panel flimmerfrei?": the product in hand, said again
        else:
            out.slots["product"] = product
    leftover = [q for i, (_, _, q) in enumerate(quantities) if i not in used]
    if correcting and not quantities and not mentions and items:
        leftover = _bare_counts(text)[:1]  # "En realidad son 2,5k, no 10 mil unidades"
    if expecting == "quantity" and not leftover and not mentions:
        parsed = parse_quantity(text)  # "300", "5k", "2 x 40ft containers"
        leftover = [_quantity_dict(parsed.value)] if parsed.ok else []
    if leftover and not mentions:
        quantity = leftover[0]
        target = out.slots.get("product") or pending
        if target:
            items.append({**target, **quantity, "target_price": None})
            out.slots["product"] = None
            changed = True
        elif items and (expecting == "quantity" or len(items) == 1):
            items[-1].update(quantity)
            changed = True
        elif items and correcting:
            item = _item_corrected(text, items)
            if item is not None:
                item.update(quantity)
                changed = True
            else:  # "change the quantity to 2,500" with several products: the form asks which
                out.slots[PENDING_QUANTITY] = quantity
        elif not items:
            out.slots["quantity"] = quantity
    elif "product" in out.slots and out.slots["product"] and state.get("quantity") and not items:
        items.append({**out.slots["product"], **state["quantity"], "target_price": None})
        out.slots["product"] = None
        out.slots["quantity"] = None
        changed = True

    if _certifications_per_item(text, placed):
        changed = True
    for price in _MONEY.finditer(text):
        item = _item_of_price(price.start(), placed, items)
        parsed = parse_money(price.group(0))
        if item is not None and parsed.ok:
            item["target_price"] = _money_dict(parsed.value.amount, parsed.value.currency)
            out.notes.extend(parsed.notes)
            changed = True
    if changed:
        out.slots["items"] = items


# ---- the whole message -----------------------------------------------------------------------


def _corrects_an_earlier_answer(text: str) -> bool:
    """A correction naming an Incoterm, a count or a date rather than who the buyer is."""
    folded = fold_chars(text)
    return bool(_CORRECTION.search(folded)) and bool(
        TERM_PATTERN.search(folded) or _QUANTITY.search(folded) or _DATE.search(folded)
    )


def extract(
    text: str,
    *,
    state: Mapping[str, Any],
    expecting: str | None,
    today: date,
    catalog: Catalog,
) -> Extraction:
    """Facts in one buyer message, given what is known already (``state``, the form's slots)."""
    text = clean(text)
    out = Extraction()
    if not text:
        return out
    if expecting in CONTACT_SLOTS and _corrects_an_earlier_answer(text):
        expecting = None  # "Sorry, I meant DDP Vancouver, not FOB" is no name or company
    if expecting not in CONTACT_SLOTS:
        text = typos.correct(text)  # "2,5k Downligts", "500 flood lites"
    if expecting and expecting not in ("product", "quantity"):
        _direct(expecting, text, out, today=today, state=state, catalog=catalog)
    _items(text, out, state=state, expecting=expecting, catalog=catalog)
    if expecting in ("product", "quantity") and not out.slots.get("items"):
        if (
            expecting == "product"
            and not out.slots.get("product")
            and not _corrects_an_earlier_answer(text)  # "Actually, please quote EXW instead"
        ):
            _direct("product", text, out, today=today, state=state, catalog=catalog)
            if out.slots.get("product") and state.get("quantity"):
                out.slots["items"] = [
                    {**out.slots["product"], **state["quantity"], "target_price": None}
                ]
                out.slots["product"] = None
                out.slots["quantity"] = None
        elif expecting == "quantity" and "quantity" not in out.slots:
            parsed = parse_quantity(text)
            if not parsed.ok:
                out.errors["quantity"] = parsed.error or Msg("validation.reader.how_many")
    _scan(text, out, today=today, state=state, expecting=expecting)
    if (
        expecting in ("incoterm", "payment_terms")
        and expecting not in out.slots
        and state.get("sample_requested") is None
        and (yes_no := parse_yes_no(text)).ok
    ):
        # "yes" to "which Incoterm ... and would you like samples first?"
        out.slots["sample_requested"] = yes_no.value
        out.errors.pop(expecting, None)
    elif (
        expecting in ("incoterm", "payment_terms")
        and "sample_requested" not in out.slots
        and state.get("sample_requested") is None
        and (answer := _yes_no_part(text)) is not None
    ):
        # "CIF, remise documentaire (D/P), Non": the last question's answer among the others
        out.slots["sample_requested"] = answer
    if expecting in out.slots:
        out.errors.pop(expecting, None)
    elif set(out.slots) - {expecting} and _CORRECTION.search(fold_chars(text)):
        # "Actually, change the quantity to 2,500 pieces" while the date is asked: a change of
        # an earlier answer, not a date we could not read (the date is asked again)
        out.errors.pop(expecting, None)
    return out
