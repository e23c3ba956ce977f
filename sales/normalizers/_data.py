"""Loading the package's data tables (YAML under ``sales/normalizers/data``)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def load_table(name: str) -> Any:
    """Parse ``data/<name>`` with YAML's base loader: every scalar stays a string.

    (So a country code ``NO`` stays Norway and never turns into ``False``.)
    """
    text = files("sales.normalizers.data").joinpath(name).read_text("utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)
