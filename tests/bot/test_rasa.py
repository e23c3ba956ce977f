"""The Rasa project checked by Rasa itself: `rasa data validate` and `rasa test` on test stories."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tools import engine_files
from tools.stack import train

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-m", "rasa", *args],
        cwd=engine_files.ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# Rasa's validator does not know custom NLG: it warns that each utter_* action has no template
# in the domain. Those responses live in the message catalog (checked below); any other warning
# fails the test.
CATALOG_RESPONSE = re.compile(
    r"The action '(utter_\w+)' is used in the stories, but is not a valid"
    r"|Action '(utter_\w+)' is listed as a response action in the domain file, but there is no"
)


def _domain_utterances() -> set[str]:
    import yaml

    names: set[str] = set()
    for path in (engine_files.BOT / "domain").glob("*.yml"):
        domain = yaml.safe_load(path.read_text()) or {}
        names |= {a for a in domain.get("actions") or [] if a.startswith("utter_")}
    return names


@pytest.mark.engine
def test_rasa_data_validate() -> None:
    result = _rasa(
        "data", "validate",
        "--config", str(engine_files.CONFIG),
        "--domain", str(engine_files.BOT / "domain"),
        "--data", str(engine_files.BOT / "data"),
    )  # fmt: skip
    output = result.stdout + result.stderr
    # the exit code is 1 for the catalog responses alone; everything else must be clean
    assert "No story structure conflicts found" in output, output[-3000:]
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    others = [w for w in warnings if not (m := CATALOG_RESPONSE.search(w))
              or (m.group(1) or m.group(2)) not in _domain_utterances()]  # fmt: skip
    assert not others, "\n".join(others)


def test_every_utterance_is_in_the_catalog_in_every_language() -> None:
    """The domain's responses and the form's questions (validate_rfq_form asks them: they are
    not in the domain, so that Rasa's form asks nothing itself), and no other."""
    from actions.rfq_questions import RESPONSES
    from i18n import LANGUAGES, catalog

    assert not RESPONSES & _domain_utterances()
    for lang in LANGUAGES:
        responses = {
            k.removeprefix("responses.") for k in catalog(lang) if k.startswith("responses.")
        }
        assert responses == _domain_utterances() | RESPONSES, lang


@pytest.mark.engine
def test_rasa_test_stories_pass(tmp_path: Path) -> None:
    model = train()
    result = _rasa(
        "test", "core",
        "--model", str(model),
        "--stories", str(HERE / "test_stories.yml"),
        "--endpoints", str(HERE / "no_endpoints.yml"),
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] + result.stdout[-3000:]


def test_the_domain_holds_no_responses() -> None:
    """One place for texts: a response written into the domain would bypass the catalog."""
    import yaml

    for path in (engine_files.BOT / "domain").glob("*.yml"):
        assert not (yaml.safe_load(path.read_text()) or {}).get("responses"), path.name


def test_every_slot_is_declared_once() -> None:
    """Rasa merges a slot declared in two domain files into one that lost its custom action."""
    import yaml

    seen: dict[str, str] = {}
    for path in sorted((engine_files.BOT / "domain").glob("*.yml")):
        for name in (yaml.safe_load(path.read_text()) or {}).get("slots") or {}:
            assert name not in seen, f"slot {name} in {seen.get(name)} and {path.name}"
            seen[name] = path.name
    assert seen["language"] == "language.yml"
