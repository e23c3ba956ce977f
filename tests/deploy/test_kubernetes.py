"""The Kubernetes manifests (deploy/kubernetes/), offline: every object is checked against the
Kubernetes JSON schemas bundled with kubernetes-validate (strict: unknown fields fail), then
what the schema cannot tell: resources, probes (/health for readiness, /health/live for
liveness), non-root pods, secrets only from the one Secret that create-secrets.sh makes,
variables defined before $(use), Services that select their workload's ports."""

from __future__ import annotations

import copy
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from api.settings import Settings
from tests.deploy.checks import (
    KUBERNETES,
    ROOT,
    SECRET,
    containers,
    env_refs,
    kubernetes_problems,
    manifests,
)
from tools import stack

# the oldest Kubernetes still commonly run, and the newest the package has schemas for
VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
DOCS = manifests()


def _doc(kind: str, name: str) -> dict[str, Any]:
    return next(d for _, d in DOCS if d["kind"] == kind and d["metadata"]["name"] == name)


def _container(kind: str, name: str) -> dict[str, Any]:
    return containers(_doc(kind, name))[0]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("file", "doc"), DOCS, ids=[f"{f}:{d['kind']}" for f, d in DOCS])
def test_each_object_matches_the_kubernetes_schema(
    file: str, doc: dict[str, Any], version: str
) -> None:
    kubernetes_validate.validate(doc, version, strict=True)


def test_the_schema_check_fails_on_a_typo_or_a_wrong_type() -> None:
    app = copy.deepcopy(_doc("Deployment", "app"))
    container = app["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(app, VERSIONS[0], strict=True)
    engine = copy.deepcopy(_doc("Deployment", "engine"))
    engine["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(engine, VERSIONS[0], strict=True)


def test_the_deployment_rules_hold() -> None:
    assert kubernetes_problems([d for _, d in DOCS]) == []


def test_the_rules_find_what_is_wrong() -> None:
    docs = copy.deepcopy([d for _, d in DOCS])
    app = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "app")
    pod = app["spec"]["template"]["spec"]
    container = pod["containers"][0]
    del container["resources"]["limits"]
    del container["livenessProbe"]
    del pod["securityContext"]["runAsNonRoot"]
    env = container["env"]
    env.insert(0, env.pop(next(i for i, v in enumerate(env) if v["name"] == "DATABASE_URL")))
    env.append({"name": "QUOTE_LINK_SECRET", "value": "hunter2"})
    service = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "engine")
    service["spec"]["ports"][0]["targetPort"] = "grpc"
    del next(d for d in docs if d["kind"] == "Job")["metadata"]["namespace"]
    assert sorted(kubernetes_problems(docs)) == sorted(
        [
            "Job/migrate: not in namespace exportdesk",
            "Deployment/app: the pod does not require a non-root user",
            "Deployment/app[app]: needs cpu and memory requests and a memory limit",
            "Deployment/app[app]: no livenessProbe",
            "Deployment/app[app]: DATABASE_URL uses $(POSTGRES_PASSWORD) before it is set",
            f"Deployment/app[app]: QUOTE_LINK_SECRET is a secret: take it from {SECRET}",
            "Service/engine: targetPort grpc is no container port",
        ]
    )


def test_the_app_is_ready_on_health_and_alive_on_health_live() -> None:
    app = _container("Deployment", "app")
    assert app["readinessProbe"]["httpGet"]["path"] == "/health"
    assert app["livenessProbe"]["httpGet"]["path"] == "/health/live"
    from api.health import router

    assert {"/health", "/health/live"} <= {getattr(r, "path", "") for r in router.routes}


def test_the_apps_variables_are_settings() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    helpers = {"POSTGRES_PASSWORD", "REDIS_PASSWORD"}  # only to build the URLs
    for kind, name in (("Deployment", "app"), ("Job", "migrate")):
        names = {v["name"] for v in _container(kind, name)["env"]}
        assert names - fields - helpers == set(), name


def test_the_engine_gets_every_variable_its_endpoints_file_reads() -> None:
    needed = env_refs((ROOT / "deploy" / "engine" / "endpoints.yml").read_text())
    given = {v["name"] for v in _container("Deployment", "engine")["env"]}
    assert needed - given == set()
    assert {"RASA_AUTH_TOKEN", "ENGINE_CHANNEL_TOKEN"} <= given


def test_the_migration_job_runs_a_launcher_command() -> None:
    command = _container("Job", "migrate")["command"]
    assert command[:3] == ["python", "-m", "tools.stack"]
    with pytest.raises(SystemExit) as exit_:
        stack.main([*command[3:], "--help"])
    assert exit_.value.code == 0  # argparse knows the subcommand


def _run_create_secrets(tmp_path: Path, env: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    """create-secrets.sh with a stand-in kubectl that records the Secret it is given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / "secret.env"
    kubectl = bin_dir / "kubectl"
    kubectl.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        f"record = {str(record)!r}\n"
        "args = sys.argv[1:]\n"
        "if args[0] == 'get':\n"
        "    sys.exit(0 if os.path.exists(record) else 1)\n"
        "source = next(a.split('=', 1)[1] for a in args if a.startswith('--from-env-file='))\n"
        "with open(source) as given, open(record, 'w') as kept:\n"
        "    kept.write(given.read())\n"
    )
    kubectl.chmod(kubectl.stat().st_mode | stat.S_IEXEC)
    result = subprocess.run(
        ["bash", str(KUBERNETES / "create-secrets.sh")],
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    values = {}
    if record.exists():
        values = dict(line.split("=", 1) for line in record.read_text().splitlines())
    return result.returncode, result.stdout + result.stderr, values


def _referenced_keys() -> tuple[set[str], set[str]]:
    required, optional = set(), set()
    for _, doc in DOCS:
        for container in containers(doc):
            for var in container.get("env", []):
                ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    (optional if ref.get("optional") else required).add(ref["key"])
    return required, optional


def test_create_secrets_makes_every_key_the_pods_read(tmp_path: Path) -> None:
    code, output, values = _run_create_secrets(tmp_path, {"STAFF_API_TOKENS": "crm:read:tok-1"})
    assert code == 0, output
    required, optional = _referenced_keys()
    assert required <= set(values), required - set(values)
    assert set(values) <= required | optional
    assert values["STAFF_API_TOKENS"] == "crm:read:tok-1"
    generated = [v for k, v in values.items() if k != "STAFF_API_TOKENS"]
    assert len(set(generated)) == len(generated) and all(len(v) >= 40 for v in generated)
    assert not any(v in output for v in values.values())  # nothing printed
    # a second run leaves the existing Secret alone (PostgreSQL keeps its first password)
    code, output, again = _run_create_secrets(tmp_path, {"STAFF_API_TOKENS": "crm:read:tok-2"})
    assert code == 0 and "left as it is" in output and again == values


def test_create_secrets_takes_slack_and_refuses_without_staff_tokens(tmp_path: Path) -> None:
    code, output, _ = _run_create_secrets(
        tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, {}
    )
    assert code != 0 and "STAFF_API_TOKENS" in output
    code, _, values = _run_create_secrets(
        tmp_path,
        {"STAFF_API_TOKENS": "t", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
    )
    assert code == 0 and values["SLACK_BOT_TOKEN"] == "xoxb-1"
    assert "SMTP_URL" not in values  # an optional setting not exported is left out
    optional = _referenced_keys()[1]
    assert {
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "STAFF_ADMIN_PASSWORD",
        "SMTP_URL",
    } <= optional


def test_create_secrets_takes_the_optional_settings_exported(tmp_path: Path) -> None:
    """Every optional key the pods read is taken from the shell when exported (the first staff
    admin, email), so that a setting named in the manifests can be given at all."""
    _, optional = _referenced_keys()
    exported = {key: f"value-of-{key.lower()}" for key in optional}
    code, output, values = _run_create_secrets(tmp_path, {"STAFF_API_TOKENS": "t", **exported})
    assert code == 0, output
    assert {key: values[key] for key in optional} == exported


def test_the_tracker_database_is_created_as_compose_creates_it() -> None:
    init = _doc("ConfigMap", "postgres-init")["data"]["create-tracker-database.sql"]
    compose_init = (ROOT / "deploy" / "postgres" / "create-tracker-database.sql").read_text()
    statements = [line for line in compose_init.splitlines() if not line.startswith("--")]
    assert init.strip() == "\n".join(statements).strip() == "CREATE DATABASE tracker;"
    for kind, name in (("Deployment", "app"), ("Deployment", "engine")):
        values = [v.get("value", "") for v in _container(kind, name)["env"]]
        assert any(v.endswith("@postgres:5432/tracker") for v in values), name
