"""The sales manager's figures (issue 17): the funnel, hit rate, values, response times, lead
score, markets, knowledge gaps and abandoned RFQs for a period and filters, with the same
figures for the previous period of equal length. Pure queries over the order database; every
definition is in sales/kpi/service.py's docstring."""

from sales.kpi.period import BANDS, Filters, Period, PeriodError
from sales.kpi.service import compute

__all__ = ["BANDS", "Filters", "Period", "PeriodError", "compute"]
