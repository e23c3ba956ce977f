"""Quotes: a confirmed inquiry priced from the price book, approved or rejected, sent,
accepted, expired -- and what the buyer gets of it.

- :mod:`~sales.quotes.service`: quote an inquiry, approve, reject, accept, expire, get (the
  functions below are its public API, so ``from sales import quotes; quotes.approve(...)``).
- :mod:`~sales.quotes.states`: the lifecycle (allowed transitions) and the errors.
- :mod:`~sales.quotes.records`: a quote as the contract record and as a chat text.
- :mod:`~sales.quotes.documents`: a stored quote as the PDF's data (and the PDF).
- :mod:`~sales.quotes.pdf`: the quotation PDF itself (fpdf2).
- :mod:`~sales.quotes.links`: buyers' signed, expiring links to the PDF (one :class:`LinkSigner`).
"""

# the service's public API, listed once (its __all__)
from sales.quotes.service import *  # noqa: F403
from sales.quotes.service import __all__ as __all__
