"""What the deployment files must hold, as functions that list the problems they find (so each
check is tested on bad input too): Dockerfiles, the compose file, the Kubernetes manifests."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILES = {"app": DEPLOY / "app" / "Dockerfile", "engine": DEPLOY / "engine" / "Dockerfile"}
COMPOSE = ROOT / "docker-compose.yml"
KUBERNETES = DEPLOY / "kubernetes"

# a version tag (python:3.11.11-slim-bookworm, redis:7.4.1), optionally with a digest
PINNED_IMAGE = re.compile(
    r"^[a-z0-9][a-z0-9./_-]*:\d+\.\d+(\.\d+)?[A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$"
)
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY)", re.IGNORECASE)


def instructions(path: Path) -> list[dict[str, Any]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    parser = DockerfileParser(path=str(path))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def dockerignore_patterns(root: Path = ROOT) -> list[str]:
    path = root / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ignored(relative: str, patterns: Iterable[str]) -> bool:
    """Whether the build context leaves `relative` out (the .dockerignore forms used here:
    names, paths and `**/` prefixes; no `!` exceptions)."""
    parts = Path(relative).parts
    for pattern in patterns:
        bare = pattern.removeprefix("**/").rstrip("/")
        anywhere = pattern.startswith("**/")
        for i in range(len(parts)):
            prefix = "/".join(parts[: i + 1])
            if fnmatch.fnmatch(prefix, bare) or (anywhere and fnmatch.fnmatch(parts[i], bare)):
                return True
    return False


def exec_form(value: str) -> list[str] | None:
    """A CMD/ENTRYPOINT/HEALTHCHECK CMD in exec (JSON) form, else None."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, list) and all(isinstance(a, str) for a in parsed) else None


def cmd(path: Path) -> list[str] | None:
    commands = [i for i in instructions(path) if i["instruction"] == "CMD"]
    return exec_form(commands[-1]["value"]) if commands else None


def dockerfile_problems(path: Path, context: Path = ROOT) -> list[str]:
    """Base images pinned to a version, a non-root user for what runs, no secret baked in,
    COPY sources that exist in the build context, the command in exec form."""
    problems: list[str] = []
    steps = instructions(path)
    stages: set[str] = set()
    patterns = dockerignore_patterns(context)
    user: str | None = None
    for step in steps:
        name, value = step["instruction"], step["value"].strip()
        if name == "FROM":
            words = value.split()
            image = next(w for w in words if not w.startswith("--"))
            if image not in stages and not PINNED_IMAGE.match(image):
                problems.append(f"base image not pinned to a version: {image}")
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages.add(words[-1])
            user = None  # each stage starts as the image's user (root for these)
        elif name in {"ENV", "ARG"}:
            for key in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", value) or value.split()[:1]:
                if SECRET_NAME.search(key):
                    problems.append(f"{name} {key}: secrets come from the environment at run time")
        elif name in {"COPY", "ADD"}:
            words = value.split()
            if name == "ADD":
                problems.append(f"ADD {value}: use COPY")
            if any(w.startswith("--from=") for w in words):
                continue
            for source in [w for w in words if not w.startswith("--")][:-1]:
                relative = source.removeprefix("./")
                if not (context / relative).exists():
                    problems.append(f"COPY source missing from the repository: {source}")
                elif ignored(relative, patterns):
                    problems.append(f"COPY source left out by .dockerignore: {source}")
                elif SECRET_NAME.search(relative) or Path(relative).name == ".env":
                    problems.append(f"COPY of a secret file: {source}")
        elif name == "USER":
            user = value.split(":")[0]
        elif name in {"CMD", "ENTRYPOINT"} and exec_form(value) is None:
            problems.append(f"{name} not in exec form: {value}")
    if user is None or user in {"root", "0"}:
        problems.append("the image runs as root: add a USER with a non-root user")
    if not any(s["instruction"] == "CMD" for s in steps):
        problems.append("no CMD")
    return problems


def env_refs(text: str) -> set[str]:
    """${VAR}, ${VAR:-default}, ${VAR:?message} (compose interpolation, Rasa's endpoints)."""
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)(?:[:?\-][^}]*)?\}", text))


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def compose_env_problems(compose: dict[str, Any]) -> list[str]:
    """A secret-like variable's value is an interpolation (${VAR...}) or a URL whose password
    part is one, never a literal."""
    problems = []
    for name, service in (compose.get("services") or {}).items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        for key, value in environment.items():
            text = "" if value is None else str(value)
            if SECRET_NAME.search(key) and not re.fullmatch(r"\$\{[^}]+\}", text):
                problems.append(f"{name}.{key}: a literal secret")
            credentials = re.match(r"^[a-z+]+://([^@/]*)@", text)
            if credentials and ":" in credentials.group(1):
                password = credentials.group(1).split(":", 1)[1]
                if not re.fullmatch(r"\$\{[^}]+\}", password):
                    problems.append(f"{name}.{key}: a literal password in a URL")
    return problems


def compose_reference_problems(compose: dict[str, Any], root: Path = ROOT) -> list[str]:
    """depends_on names services that exist; builds name files that exist; bind mounts too."""
    problems = []
    services = compose.get("services") or {}
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for other in depends if isinstance(depends, list | dict) else []:
            if other not in services:
                problems.append(f"{name} depends on a service that does not exist: {other}")
        build = service.get("build")
        if isinstance(build, dict):
            context = root / build.get("context", ".")
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.exists():
                problems.append(f"{name}: no Dockerfile at {dockerfile.relative_to(root)}")
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            if source and source.startswith((".", "/")) and not (root / source).exists():
                problems.append(f"{name}: the bind-mounted {source} does not exist")
    return problems


NAMESPACE = "exportdesk"
SECRET = "exportdesk-secrets"
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}
CLUSTER_SCOPED = {"Namespace"}


def manifests(folder: Path = KUBERNETES) -> list[tuple[str, dict[str, Any]]]:
    import yaml

    return [
        (path.name, doc)
        for path in sorted(folder.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    if doc.get("kind") not in WORKLOADS:
        return None
    return doc["spec"]["template"]["spec"]


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(doc)
    return [] if spec is None else [*spec.get("initContainers", []), *spec["containers"]]


def _where(doc: dict[str, Any], container: dict[str, Any] | None = None) -> str:
    name = f"{doc['kind']}/{doc['metadata']['name']}"
    return f"{name}[{container['name']}]" if container else name


def kubernetes_problems(docs: list[dict[str, Any]]) -> list[str]:
    """Resources, probes, non-root pods, secrets by reference only, $(VAR) defined before use,
    Services that select a workload and name its ports, one namespace."""
    problems: list[str] = []
    workloads = [d for d in docs if d.get("kind") in WORKLOADS]
    for doc in docs:
        if doc["kind"] not in CLUSTER_SCOPED and doc["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{_where(doc)}: not in namespace {NAMESPACE}")
    for doc in workloads:
        spec = pod_spec(doc) or {}
        if not (spec.get("securityContext") or {}).get("runAsNonRoot"):
            problems.append(f"{_where(doc)}: the pod does not require a non-root user")
        for container in containers(doc):
            where = _where(doc, container)
            resources = container.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            if not {"cpu", "memory"} <= set(requests) or "memory" not in limits:
                problems.append(f"{where}: needs cpu and memory requests and a memory limit")
            if doc["kind"] != "Job":
                for probe in ("readinessProbe", "livenessProbe"):
                    if probe not in container:
                        problems.append(f"{where}: no {probe}")
            port_names = {p.get("name") for p in container.get("ports", [])}
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                port = ((container.get(probe) or {}).get("httpGet") or {}).get("port")
                if isinstance(port, str) and port not in port_names:
                    problems.append(f"{where}: {probe} names an undeclared port {port}")
            defined: set[str] = set()
            for var in container.get("env", []):
                name, value = var["name"], var.get("value")
                ref = (var.get("valueFrom") or {}).get("secretKeyRef")
                if ref is not None and ref.get("name") != SECRET:
                    problems.append(f"{where}: {name} from another Secret than {SECRET}")
                if SECRET_NAME.search(name) and ref is None:
                    problems.append(f"{where}: {name} is a secret: take it from {SECRET}")
                if value is not None:
                    for used in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", value):
                        if used not in defined:
                            problems.append(f"{where}: {name} uses $({used}) before it is set")
                    credentials = re.match(r"^[a-z+]+://([^@/]*)@", value)
                    if credentials and ":" in credentials.group(1):
                        password = credentials.group(1).split(":", 1)[1]
                        if not re.fullmatch(r"\$\([A-Za-z_][A-Za-z0-9_]*\)", password):
                            problems.append(f"{where}: {name} holds a literal password")
                defined.add(name)
            for arg in [*container.get("command", []), *container.get("args", [])]:
                for used in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", arg):
                    if used not in defined:
                        problems.append(f"{where}: an argument uses $({used}), never set")
    for service in [d for d in docs if d["kind"] == "Service"]:
        selector = service["spec"].get("selector") or {}
        chosen = [
            w
            for w in workloads
            if selector
            and selector.items() <= (w["spec"]["template"]["metadata"].get("labels") or {}).items()
        ]
        if not chosen:
            problems.append(f"{_where(service)}: selects no workload")
            continue
        names = {p.get("name") for w in chosen for c in containers(w) for p in c.get("ports", [])}
        numbers = {
            p["containerPort"] for w in chosen for c in containers(w) for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            if target not in names and target not in numbers:
                problems.append(f"{_where(service)}: targetPort {target} is no container port")
    return problems
