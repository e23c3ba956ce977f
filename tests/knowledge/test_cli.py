from pathlib import Path

import pytest

from api.settings import ROOT, Settings
from knowledge.cli import default_index_dir, default_source_dir, main


def test_ingest_then_search_and_answer(
    source_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "index"
    assert main(["ingest", "--source", str(source_dir), "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "from 5 products and 3 documents" in out and "flat index" in out

    assert main(["search", "stadium floodlight", "-k", "2", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [") and "Product FL-SP-200W" in out

    args = ["search", "light", "--market", "US", "--cert", "UL", "--index", str(index_dir)]
    assert main(args) == 0
    assert "PNL-6060-40W" not in capsys.readouterr().out

    assert main(["answer", "IP rating of PNL-6060-40W?", "--index", str(index_dir)]) == 0
    assert "IP20" in capsys.readouterr().out


def test_environment_defaults(
    source_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KB_SOURCE_DIR", str(source_dir))
    monkeypatch.setenv("KB_INDEX_DIR", str(tmp_path / "env-index"))
    assert main(["ingest"]) == 0
    assert (tmp_path / "env-index" / "manifest.json").exists()
    assert main(["search", "Incoterms", "-k", "1"]) == 0
    assert "Incoterms we quote" in capsys.readouterr().out


def test_errors_are_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "panel", "--index", str(tmp_path / "missing")]) == 1
    assert "kb ingest" in capsys.readouterr().err
    assert main(["ingest", "--source", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 1


def test_console_script_entry_point_is_declared() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'kb = "knowledge.cli:main"' in pyproject


def test_default_index_is_the_settings_one_wherever_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KB_INDEX_DIR", raising=False)
    monkeypatch.delenv("KB_SOURCE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_index_dir() == ROOT / "var" / "kb" == Settings().kb_index_dir
    assert default_source_dir() == ROOT / "knowledge" / "demo"
