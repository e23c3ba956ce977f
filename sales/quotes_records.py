"""Moved to :mod:`sales.quotes.records`; this name stays only for ``sales/rfq/submission.py``
until it imports the new one (then delete this file)."""

from sales.quotes.records import describe_for_buyer

__all__ = ["describe_for_buyer"]
