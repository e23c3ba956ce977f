"""`.env.example` lists every setting the app reads, and what it shows is valid."""

from __future__ import annotations

import re
from pathlib import Path

from api.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
LINE = re.compile(r"^# ([A-Z][A-Z0-9_]*)=(.*)$")


def _shown() -> list[tuple[str, str]]:
    return [m.groups() for m in map(LINE.match, EXAMPLE.read_text().splitlines()) if m]


def test_every_setting_is_listed() -> None:
    shown = {name for name, _ in _shown()}
    missing = [f.upper() for f in Settings.model_fields if f.upper() not in shown]
    assert missing == []


def test_copying_it_unchanged_changes_nothing() -> None:
    """Every line is a comment: a copied .env.example sets nothing."""
    lines = [line for line in EXAMPLE.read_text().splitlines() if line.strip()]
    assert all(line.startswith("#") for line in lines)


def test_the_values_shown_are_valid(tmp_path: Path) -> None:
    """Uncommented, every non-empty value shown (the last one of a setting shown twice) loads."""
    env = tmp_path / ".env"
    fields = {f.upper() for f in Settings.model_fields}
    env.write_text(
        "".join(f"{name}={value}\n" for name, value in _shown() if value and name in fields)
    )
    settings = Settings(_env_file=env)
    assert settings.staff_tokens == {"example-crm-token", "example-approver-token"}
    assert [i.name for i in settings.staff_identities] == ["crm", "U0123456789"]
    assert settings.slack_approver_ids == {"U0123456789", "U0987654321"}
