"""Payment terms: "L/C at sight", "30% T/T deposit, 70% before shipment", "D/A 90 days",
"carta de crédito a la vista", "30% Anzahlung per T/T", "virement 30 % d'acompte", "电汇30%定金"
-> (code, normalised detail). Codes: TT, LC, DP, DA, OA, ESCROW.

Methods we don't accept (PayPal, cards, Western Union, crypto, cash on delivery…) get a
readable refusal listing what we do accept. "No preference" succeeds with ``value=None``.
When several methods are named, the first one mentioned is the code. A deposit alone
("30% Anzahlung") leaves the balance due before shipment, with a note saying so.
The details are written in English: they are what sales staff read.
Matching is on folded text (lower case, no accents), in English, Spanish, German, French,
Portuguese and Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import Msg
from sales.normalizers._text import clean, clip, fold, fold_chars, too_long
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import END as E
from sales.normalizers.word_edges import START as S

PAYMENT_CODES = ("TT", "LC", "DP", "DA", "OA", "ESCROW")
ACCEPTED = Msg("validation.payment.accepted")

_CODES: dict[str, re.Pattern[str]] = {
    "ESCROW": re.compile(r"escrow|trade assurance|secure ?payment|alibaba|信保|信用保障"),
    "LC": re.compile(
        rf"{S}l\s*/\s*c{E}|{S}lcs?{E}|letters? of credit|documentary credit|{S}sblc{E}"
        r"|carta de credito|credito documentario|akkreditiv|lettre de credit"
        r"|credit documentaire|信用证"
    ),
    "DP": re.compile(
        rf"{S}d\s*/\s*p{E}|{S}dp{E}|documents? against payment|cash against documents?"
        r"|remise documentaire(?! contre acceptation)|cobranza documentaria(?! contra acep)"
        r"|dokumenteninkasso(?! gegen akzept)|cobranca documentaria(?! contra aceite)"
        rf"|{S}cad{E}|documentos contra pago|dokumente gegen zahlung|kasse gegen dokumente"
        r"|documents contre paiement|documentos contra pagamento|付款交单"
    ),
    "DA": re.compile(
        rf"{S}d\s*/\s*a{E}|documents? against acceptance|documentos contra aceptacion"
        r"|remise documentaire contre acceptation"
        r"|dokumente gegen akzept|documents contre acceptation|documentos contra aceite|承兑交单"
    ),
    "OA": re.compile(
        rf"{S}o\s*/\s*a{E}|{S}oa{E}|open account|{S}net\s*\d+|credit terms?|on credit"
        rf"|{S}netto\s*\d+|\d+\s*(?:days?|dias|tage|tagen|jours)\s*(?:net|netto|netos|nets|liquidos){E}"
        r"|cuenta abierta|offene rechnung|zahlungsziel|compte ouvert|conta aberta"
        r"|赊销|账期|月结"
    ),
    "TT": re.compile(
        rf"{S}t\s*/\s*t{E}|{S}tt{E}|telegraphic transfer|wire|bank transfer|swift|transferencia"
        r"|uberweisung|virement|电汇|advance payment|prepayment|pre-payment|in advance|deposit"
        r"|down payment|anticipo|adelanto|pago anticipado|vorkasse|vorauskasse|vorauszahlung"
        r"|anzahlung"
        r"|acompte|paiement d'avance|paiement anticipe|pagamento antecipado|adiantamento"
        r"|定金|订金|预付|全款|款到发货"
        rf"|\d+\s*%|{S}\d{{1,2}}\s*/\s*\d{{1,2}}{E}"
    ),
}
# "DA" without the slash in capitals, or "da 90 days" as the whole answer: "da" is a word in
# Portuguese and Spanish ("da Casa Lumière", "antes da entrega").
_BARE_DA = re.compile(rf"{S}DA{E}|^[Dd][Aa]\s*\d")
_UNSUPPORTED = re.compile(
    rf"(?P<name>paypal|credit card|debit card|{S}cards?{E}|visa|mastercard|amex"
    rf"|american express|western union|moneygram|bitcoin|crypto\w*|usdt|tether"
    rf"|{S}cash{E}(?! against| in advance)|cash on delivery|{S}cod{E}|cheque|{S}check{E}"
    r"|payoneer|alipay|wechat pay|apple pay|tarjeta de credito|tarjeta|kreditkarte"
    r"|carte de credit|carte bancaire|cartao de credito|cartao|contra reembolso"
    rf"|pago contra entrega|nachnahme|contre remboursement|paiement a la livraison"
    rf"|pagamento na entrega|{S}efectivo{E}|bargeld|barzahlung|{S}especes{E}|{S}dinheiro{E}"
    r"|信用卡|支付宝|微信支付|微信|货到付款|现金|比特币)"
)
_NO_PREFERENCE = re.compile(
    r"^(?:no preference|not sure|don't know|dont know|any|anything|whatever|you decide"
    r"|up to you|what do you suggest|usual|the usual|standard|negotiable|to be discussed|tbd"
    r"|sin preferencia|me da igual|da igual|a convenir|negociable|lo habitual|no se"
    r"|egal|keine praferenz|verhandelbar|wie ublich|nach vereinbarung|weiss nicht"
    r"|peu importe|pas de preference|negociable|a discuter|comme d'habitude|je ne sais pas"
    r"|sem preferencia|tanto faz|negociavel|a combinar|o de sempre|nao sei"
    r"|都可以|随便|无所谓|可以商量|面议|不知道)"
    r"[.!。]*$",
)
_DAYS = re.compile(
    rf"(?:{S}net\s*(?P<net>\d{{1,3}}){E}|(?P<n>\d{{1,3}})\s*(?:days?{E}|d{E}|天|dias{E}"
    rf"|tage{E}|tagen{E}|jours{E}))"
)
_SIGHT = re.compile(rf"{S}sight{E}|a la vista|a vue|a vista|即期|{S}sicht")
_USANCE = re.compile(rf"{S}usance{E}|远期|a plazo|a terme|a prazo")
_ADVANCE = re.compile(
    rf"{S}in advance{E}|{S}advance{E}|prepayment|pre-payment|upfront|up front|por adelantado"
    r"|anticipado|im voraus|vorkasse|vorauskasse|vorauszahlung|d'avance|anticipe|antecipado"
    r"|adiantado"
    r"|全款|款到发货|预付"
)
_RATIO = re.compile(r"(?<![\d%])(\d{1,2})\s*/\s*(\d{1,2})(?![\d%])")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
_BALANCE = re.compile(
    rf"{S}(?:balance|rest|remaining|remainder|saldo|resto|restante|restbetrag|solde|reste){E}"
    r"|余款|尾款|余额|剩余"
)
_STAGES = (
    ("before shipment", re.compile(
        r"before (?:shipment|shipping|loading|delivery|dispatch)|prior to (?:shipment|loading)"
        r"|pre-?shipment|after inspection|antes del? (?:envio|embarque|despacho|la entrega)"
        r"|vor (?:dem )?(?:versand|verschiffung|lieferung|auslieferung|der verschiffung)"
        r"|avant (?:l'|la )?(?:expedition|embarquement|livraison)"
        r"|antes d[oa] (?:embarque|envio|entrega)|发货前|装运前|出货前|装船前|验货后")),
    ("against B/L copy", re.compile(
        rf"b\s*/\s*l|{S}bl{E}|bill of lading|against (?:the )?(?:copy|documents?)"
        r"|after shipment|(?:upon|on) shipment|contra copia|conocimiento de embarque"
        r"|gegen (?:b/l|kopie)|konnossement|contre copie|connaissement|提单")),
    ("after arrival", re.compile(
        r"after (?:delivery|arrival|receipt|receiving)|(?:on|upon) (?:arrival|delivery|receipt)"
        r"|(?:a|tras|despues de) la llegada|nach (?:ankunft|erhalt)|(?:a|apres) l'arrivee"
        r"|apres reception|(?:apos a|na) chegada|apos o recebimento|到货后|货到后|收货后")),
    ("deposit", re.compile(
        r"deposit|advance|down ?payment|upfront|up front|with (?:the )?order|(?:on|upon) order"
        r"|prepay|anticipo|adelanto|deposito|anzahlung|vorauszahlung|acompte|avance|arrhes"
        rf"|{S}entrada{E}|{S}sinal{E}|adiantamento|定金|订金|预付|首付")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    code: str
    detail: str | None = None


def parse_payment_terms(text: str) -> Parsed[PaymentTerms]:
    """Buyer's payment terms -> PaymentTerms(code, detail) or a readable error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.payment.empty", accepted=ACCEPTED))
    if too_long(raw):
        return Parsed.failure(Msg("validation.payment.too_long"))
    low = fold_chars(raw)
    if _NO_PREFERENCE.match(fold(raw).strip()):
        return Parsed.success(None, [Msg("validation.payment.no_preference")])
    hits = {code: m.start() for code, pattern in _CODES.items() if (m := pattern.search(low))}
    if (bare := _BARE_DA.search(raw)) and bare.start() < hits.get("DA", len(raw)):
        hits["DA"] = bare.start()
    unsupported = _UNSUPPORTED.search(low)
    if unsupported and (not hits or unsupported.start() < min(hits.values())):
        name = raw[unsupported.start() : unsupported.end()]
        return Parsed.failure(Msg("validation.payment.unsupported", name=name, accepted=ACCEPTED))
    if not hits:
        return Parsed.failure(
            Msg("validation.payment.unreadable", text=clip(raw), accepted=ACCEPTED)
        )
    code = min(hits, key=lambda c: hits[c])
    if code == "TT":
        return _tt(low)
    return Parsed.success(PaymentTerms(code, _detail(code, low)))


def _detail(code: str, low: str) -> str | None:
    if code == "ESCROW":
        return "Alibaba Trade Assurance" if "trade assurance" in low or "alibaba" in low else None
    days = _DAYS.search(low)
    if days:
        return f"{days['net'] or days['n']} days"
    if code in ("LC", "DP") and _SIGHT.search(low):
        return "at sight"
    if code == "LC" and _USANCE.search(low):
        return "usance"
    return None


def _tt(low: str) -> Parsed[PaymentTerms]:
    parts: list[tuple[int | None, str | None]] = []
    ratio = _RATIO.search(low)
    if ratio and not _PERCENT.search(low):
        first, second = int(ratio[1]), int(ratio[2])
        if first + second == 100:
            parts = [(first, "deposit"), (second, _stage(low[ratio.end() :]))]
    if not parts:
        # one clause per percentage or "balance", up to the next one
        starts = sorted(
            {m.start() for m in _PERCENT.finditer(low)}
            | {m.start() for m in _BALANCE.finditer(low)}
        )
        for start, end in zip(starts, [*starts[1:], len(low)][: len(starts)], strict=True):
            clause = low[start:end]
            percent = _PERCENT.match(clause)
            if percent is None and not _BALANCE.sub("", clause).strip(" :-,"):
                continue  # "balance 70% …": the percentage starts its own clause
            share = round(float(percent[1].replace(",", "."))) if percent else None
            parts.append((share, _stage(clause)))
    if not parts:
        detail = "100% in advance" if _ADVANCE.search(low) else None
        return Parsed.success(PaymentTerms("TT", detail))
    return _shares(parts)


def _stage(clause: str) -> str | None:
    for name, pattern in _STAGES:
        if pattern.search(clause):
            return name
    return None


def _shares(parts: list[tuple[int | None, str | None]]) -> Parsed[PaymentTerms]:
    notes: list[Msg] = []
    if len(parts) == 1 and parts[0][1] == "deposit" and (parts[0][0] or 100) < 100:
        # "30% Anzahlung per T/T": the usual balance before shipment, said back to the buyer
        balance = 100 - (parts[0][0] or 0)
        parts = [*parts, (balance, "before shipment")]
        notes.append(Msg("validation.payment.balance_assumed", balance=balance))
    known = sum(share for share, _ in parts if share is not None)
    open_shares = [i for i, (share, _) in enumerate(parts) if share is None]
    if len(open_shares) > 1:
        return Parsed.failure(Msg("validation.payment.split_unclear"))
    filled = [(100 - known if share is None else share, stage) for share, stage in parts]
    if known == 100 and all(share is not None for share, _ in parts):
        filled = [(share, stage) for share, stage in filled if share]  # drop "0% deposit"
    total = sum(share for share, _ in filled)
    if total != 100 or any(share <= 0 for share, _ in filled):
        return Parsed.failure(Msg("validation.payment.percent_total", total=total))
    named: list[str] = []
    for i, (share, stage) in enumerate(filled):
        stage = stage or ("deposit" if i == 0 else "before shipment")
        named.append(f"{share}% {stage}")
    if named == ["100% deposit"]:
        named = ["100% in advance"]
    return Parsed.success(PaymentTerms("TT", ", ".join(named)), notes)
