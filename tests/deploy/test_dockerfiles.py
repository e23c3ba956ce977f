"""The app's and the engine's Dockerfiles, offline (no container runtime here): hadolint (the
pip-installed binary) finds nothing, base images are pinned, the images run as a non-root user,
no secret is baked in, every COPY source exists in the build context, and the command is the
launcher's (tools/stack.py), so the containers run what `make run` runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import Settings
from tests.deploy.checks import DOCKERFILES, ROOT, cmd, dockerfile_problems, ignored, instructions
from tools.stack import Stack


def _hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    assert found, "hadolint is missing: it comes with the dev extras (pip install -e '.[dev]')"
    return found


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_hadolint_finds_nothing(name: str) -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "info", str(DOCKERFILES[name])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_careless_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest
    assert "DL3008" in result.stdout or "DL3009" in result.stdout  # apt


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_pinned_non_root_no_secrets_and_every_copy_source_exists(name: str) -> None:
    assert dockerfile_problems(DOCKERFILES[name]) == []


def test_the_checks_find_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text(
        "FROM python:latest AS build\n"
        "FROM python:3.11.11-slim\n"
        "ENV API_TOKEN=abc123 LOG_LEVEL=INFO\n"
        "ARG DB_PASSWORD\n"
        "COPY api ./api\n"
        "COPY no_such_dir ./x\n"
        "COPY .git ./git\n"  # in every clone, and never in the build context
        "COPY --from=build /x /x\n"
        "ADD api /api\n"
        "CMD python -m api\n"
    )
    problems = dockerfile_problems(bad, context=ROOT)
    assert problems == [
        "base image not pinned to a version: python:latest",
        "ENV API_TOKEN: secrets come from the environment at run time",
        "ARG DB_PASSWORD: secrets come from the environment at run time",
        "COPY source missing from the repository: no_such_dir",
        "COPY source left out by .dockerignore: .git",
        "ADD api /api: use COPY",
        "CMD not in exec form: python -m api",
        "the image runs as root: add a USER with a non-root user",
    ]
    bad.write_text('FROM python:3.11.11-slim\nUSER root\nCMD ["python"]\n')
    assert dockerfile_problems(bad) == ["the image runs as root: add a USER with a non-root user"]


def test_the_build_context_leaves_out_environments_data_and_secrets() -> None:
    from tests.deploy.checks import dockerignore_patterns

    patterns = dockerignore_patterns()
    for path in (
        ".venv",
        ".venv-engine",
        ".env",
        "var/kb",
        "models/x.tar.gz",
        ".git",
        "a/__pycache__",
    ):
        assert ignored(path, patterns), path
    for path in ("api/main.py", "bot/data/nlu.yml", "deploy/engine/endpoints.yml", "config.yml"):
        assert not ignored(path, patterns), path


def _relative(argv: list[str]) -> list[str]:
    """The launcher's argv as the image has it: the interpreter is `python`, paths relative to
    the repository (the image's working directory)."""
    out = ["python"]
    for arg in argv[1:]:
        path = Path(arg)
        out.append(
            str(path.relative_to(ROOT)) if path.is_absolute() and path.is_relative_to(ROOT) else arg
        )
    return out


def test_the_app_image_runs_the_launchers_command(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, app_host="0.0.0.0", app_port=8000)
    stack = Stack(settings, tmp_path / "model.tar.gz", tmp_path)
    assert cmd(DOCKERFILES["app"]) == _relative(stack.app_argv(8000))


def test_the_engine_image_runs_the_launchers_command(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, rasa_host="0.0.0.0", rasa_port=5005)
    stack = Stack(settings, ROOT / "models" / "model.tar.gz", tmp_path)
    argv = stack.engine_argv(ROOT / "deploy" / "engine" / "endpoints.yml", 5005)
    assert cmd(DOCKERFILES["engine"]) == _relative(argv)


def test_the_engine_image_trains_as_the_launcher_does() -> None:
    runs = " ".join(
        i["value"] for i in instructions(DOCKERFILES["engine"]) if i["instruction"] == "RUN"
    )
    assert "-m rasa train --config config.yml --domain bot/domain --data bot/data" in " ".join(
        runs.split()
    )
    source = (ROOT / "tools" / "stack.py").read_text()
    for flag in ('"--config"', '"--domain"', '"--data"', '"--fixed-model-name"'):
        assert flag in source  # the launcher trains with the same options
