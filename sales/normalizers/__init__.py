"""Pure normalisers for the RFQ chat form: buyer's raw text in, ``Parsed[T]`` out.

Every function returns a frozen :class:`Parsed`: ``.ok``/``.value`` on success (plus
``.notes``, sentences worth telling the buyer), ``.error`` (a sentence the bot can say)
and sometimes ``.suggestions`` on failure. None of them raises on bad input.

Buyers write in English, Chinese, Spanish, German, Portuguese and French; every normaliser
reads all six. The sentences are :class:`i18n.Msg` of the catalog's ``validation`` area:
they read as English and are said in the buyer's language with ``localize(value, language)``.
"""

from sales.normalizers.business_type import BUSINESS_TYPES, parse_business_type
from sales.normalizers.certifications import known_codes, parse_certifications
from sales.normalizers.contact import (
    is_free_mail,
    parse_company_name,
    parse_email,
    parse_person_name,
    parse_phone,
)
from sales.normalizers.countries import (
    Destination,
    country_name,
    parse_country,
    parse_destination,
)
from sales.normalizers.dates import RequiredBy, date_order_for, human_date, parse_required_by
from sales.normalizers.incoterms import INCOTERMS_2020, IncotermChoice, parse_incoterm
from sales.normalizers.money import Money, parse_money
from sales.normalizers.payment_terms import PAYMENT_CODES, PaymentTerms, parse_payment_terms
from sales.normalizers.quantity import UNITS, Quantity, parse_quantity
from sales.normalizers.result import Parsed
from sales.normalizers.yes_no import parse_yes_no

__all__ = [
    "BUSINESS_TYPES",
    "INCOTERMS_2020",
    "PAYMENT_CODES",
    "UNITS",
    "Destination",
    "IncotermChoice",
    "Money",
    "Parsed",
    "PaymentTerms",
    "Quantity",
    "RequiredBy",
    "country_name",
    "date_order_for",
    "human_date",
    "is_free_mail",
    "known_codes",
    "parse_business_type",
    "parse_certifications",
    "parse_company_name",
    "parse_country",
    "parse_destination",
    "parse_email",
    "parse_incoterm",
    "parse_money",
    "parse_payment_terms",
    "parse_person_name",
    "parse_phone",
    "parse_quantity",
    "parse_required_by",
    "parse_yes_no",
]
