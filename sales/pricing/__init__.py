"""Quotes from the price book: load a price book, price a request, get a quote."""

from sales.pricing.engine import price
from sales.pricing.incoterms import Incoterm
from sales.pricing.models import (
    Charge,
    IssueCode,
    Policy,
    PolicyIssue,
    PricedLine,
    PricedQuote,
    PricingRequest,
    RequestLine,
    ShipmentSummary,
)
from sales.pricing.pricebook import PriceBook, PriceBookError, load_price_book

__all__ = [
    "Charge",
    "Incoterm",
    "IssueCode",
    "Policy",
    "PolicyIssue",
    "PriceBook",
    "PriceBookError",
    "PricedLine",
    "PricedQuote",
    "PricingRequest",
    "RequestLine",
    "ShipmentSummary",
    "load_price_book",
    "price",
]
