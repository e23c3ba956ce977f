"""Text that people type into the API: control characters other than newline and tab are
removed (a NUL, say, which PostgreSQL refuses to store and no reader wants); a carriage
return becomes a newline."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_NEWLINES = re.compile(r"\r\n?")
# C0 controls except tab and newline, DEL, and C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    return _CONTROL.sub("", _NEWLINES.sub("\n", text))


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


# removes control characters before a field's other checks: ``Annotated[str, <constraints>,
# CLEANED]`` (last, so that it runs first)
CLEANED = BeforeValidator(_clean)
CleanStr = Annotated[str, CLEANED]
