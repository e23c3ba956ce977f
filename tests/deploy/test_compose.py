"""docker-compose.yml (one host), offline: parsed and validated by the Compose Specification's
parser (the compose-spec package), its references resolved, secrets only interpolated from the
environment, the app's variables real settings, images shared with the Kubernetes manifests."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from compose_spec import PyCompose

from api.settings import Settings
from tests.deploy.checks import (
    COMPOSE,
    ROOT,
    compose_env_problems,
    compose_reference_problems,
    env_refs,
    manifests,
)


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_compose_specification_accepts_it() -> None:
    compose = PyCompose.from_yaml(COMPOSE.read_text())
    compose.validate()  # networks, volumes, configs and secrets referenced are defined
    assert set(compose.service_names()) == {"postgres", "redis", "migrate", "engine", "app"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    restart: unless-stopped\n", "    restart: sometimes\n"),
        ("      interval: 5s\n", "      interval: 5 parsecs\n"),
        ('      - "127.0.0.1:8000:8000"\n', '      - "127.0.0.1:http:8000"\n'),
        ("    depends_on:\n", "    depends_onn:\n"),
    ],
)
def test_the_specification_refuses_a_broken_file(old: str, new: str) -> None:
    text = COMPOSE.read_text()
    assert old in text
    with pytest.raises(ValueError):
        PyCompose.from_yaml(text.replace(old, new, 1)).validate()


def test_references_resolve_and_secrets_are_never_literal() -> None:
    compose = _compose()
    assert compose_reference_problems(compose) == []
    assert compose_env_problems(compose) == []


def test_the_checks_find_literal_secrets_and_dangling_references() -> None:
    compose = _compose()
    compose["services"]["app"]["environment"] = {
        **compose["services"]["app"]["environment"],
        "RASA_AUTH_TOKEN": "hunter2",
        "DATABASE_URL": "postgresql://exportdesk:hunter2@postgres/exportdesk",
    }
    compose["services"]["app"]["depends_on"]["nginx"] = {"condition": "service_started"}
    compose["services"]["engine"]["build"]["dockerfile"] = "deploy/engine/Dockerfile.old"
    assert sorted(compose_env_problems(compose)) == [
        "app.DATABASE_URL: a literal password in a URL",
        "app.RASA_AUTH_TOKEN: a literal secret",
    ]
    assert compose_reference_problems(compose) == [
        "engine: no Dockerfile at deploy/engine/Dockerfile.old",
        "app depends on a service that does not exist: nginx",
    ]


def test_the_apps_variables_are_settings() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for service in ("app", "migrate"):
        environment = _compose()["services"][service]["environment"]
        assert set(environment) - fields == set(), service


def test_every_variable_it_needs_is_in_env_example() -> None:
    shown = set(re.findall(r"^# ([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    assert env_refs(COMPOSE.read_text()) - shown == set()


def test_the_engine_gets_every_variable_its_endpoints_file_reads() -> None:
    needed = env_refs((ROOT / "deploy" / "engine" / "endpoints.yml").read_text())
    given = set(_compose()["services"]["engine"]["environment"])
    assert needed - given == set()
    assert {"RASA_AUTH_TOKEN", "ENGINE_CHANNEL_TOKEN"} <= given  # bot/serve.py, the channel


def test_the_images_are_those_of_the_kubernetes_manifests() -> None:
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert version
    built = {
        service["image"]
        for service in _compose()["services"].values()
        if "build" in service or service["image"].startswith("exportdesk/")
    }
    assert built == {f"exportdesk/app:{version[1]}", f"exportdesk/engine:{version[1]}"}
    in_kubernetes = {
        c["image"]
        for _, doc in manifests()
        if doc["kind"] in {"Deployment", "Job", "StatefulSet"}
        for c in doc["spec"]["template"]["spec"]["containers"]
    }
    assert built <= in_kubernetes
    third_party = {s["image"] for s in _compose()["services"].values() if "build" not in s} - built
    assert third_party <= in_kubernetes  # the same PostgreSQL and Redis
