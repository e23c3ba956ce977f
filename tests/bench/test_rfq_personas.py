"""The figures of bench/rfq_personas.py: per language, against each language's goals."""

from __future__ import annotations

import pytest

from bench.rfq_personas import Result, by_language, print_language_table, summary
from bench.simulated_buyer import Conversation, FieldCheck, Persona, Turn, load_personas


def _result(persona: Persona, *, done: bool, turns: int, right: int, wrong: int) -> Result:
    conv = Conversation(persona, reference="RFQ-2026-000001" if done else None)
    conv.turns = [Turn(buyer="x", asked=None, bot=[]) for _ in range(turns)]
    result = Result(persona, conv, record={"reference": conv.reference} if done else None)
    result.checks = [FieldCheck("f", 1, 1, True)] * right + [FieldCheck("f", 1, 2, False)] * wrong
    return result


@pytest.fixture(scope="module")
def personas() -> dict[str, list[Persona]]:
    every = load_personas()
    return {lang: [p for p in every if p.language == lang] for lang in ("en", "es", "zh")}


def test_each_language_is_measured_against_its_own_goals(
    personas: dict[str, list[Persona]],
) -> None:
    results = [_result(p, done=True, turns=7, right=20, wrong=0) for p in personas["en"][:10]]
    # Spanish: 9 of 10 complete (90 %: met), 94 of 98 fields right (95.9 %: met)
    es = personas["es"]
    results += [_result(p, done=True, turns=9, right=10, wrong=0) for p in es[:5]]
    results += [_result(p, done=True, turns=11, right=11, wrong=1) for p in es[5:9]]
    results += [_result(es[9], done=False, turns=30, right=0, wrong=0)]
    # Chinese: 1 of 2 complete
    results += [_result(personas["zh"][0], done=True, turns=8, right=10, wrong=0)]
    results += [_result(personas["zh"][1], done=False, turns=30, right=0, wrong=0)]
    languages = by_language(results)
    assert list(languages) == ["en", "es", "zh"]
    assert languages["en"]["goals"] == {
        "completion>=95%": True,
        "fields>=98%": True,
        "median_turns<=8": True,
    }
    spanish = languages["es"]
    assert spanish["personas"] == 10 and spanish["completed"] == 9
    assert spanish["field_accuracy"] == pytest.approx(94 / 98)
    assert spanish["median_turns"] == 9 and spanish["p90_turns"] == 11
    assert spanish["goals"] == {"completion>=90%": True, "fields>=95%": True}
    assert languages["zh"]["goals"] == {"completion>=90%": False, "fields>=95%": True}
    assert summary(results)["goals"] == {}  # all languages together: figures only


def test_the_language_table_names_the_missed_goals(
    personas: dict[str, list[Persona]], capsys: pytest.CaptureFixture[str]
) -> None:
    results = [_result(p, done=True, turns=9, right=19, wrong=1) for p in personas["es"]]
    print_language_table(by_language(results))
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("es "))
    assert "100.0% (10/10)" in line and "95.0% (190/200)" in line and "9 / 9" in line
    assert line.endswith("met")
    results[0].checks.append(FieldCheck("f", 1, 2, False))
    print_language_table(by_language(results))
    line = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("es "))
    assert line.endswith("NOT met: fields>=95%")
