"""Everything the launcher needs to know about the Rasa engine: its Python, the model
fingerprint, the endpoints file, the command line."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from api.settings import ROOT, Settings

ENGINE_VENV = ROOT / ".venv-engine"
ENGINE_PYTHON = ENGINE_VENV / "bin" / "python"
BOT = ROOT / "bot"
CONFIG = ROOT / "config.yml"
MODELS = ROOT / "models"
VAR = ROOT / "var"


# What only `rasa run` reads, never training: changing them needs no new model.
RUNTIME_ONLY = (
    "credentials.yml",
    "serve.py",
    "channels",
    "lock_store.py",
    "action_calls.py",
    "event_types.py",
    "sql_tracker_store.py",
)


def fingerprint() -> str:
    """A hash of everything training reads: the bot project, the pipeline, the Rasa version."""
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in [*BOT.rglob("*"), CONFIG, BOT / "requirements.txt"]
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
        and not (p.is_relative_to(BOT) and p.relative_to(BOT).parts[0] in RUNTIME_ONLY)
    )
    for path in dict.fromkeys(files):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(fp: str | None = None) -> Path:
    return MODELS / f"exportdesk-{fp or fingerprint()}.tar.gz"


def tracker_env(settings: Settings) -> dict[str, str]:
    """Rasa's SQL tracker store reads a full SQLAlchemy URL from its `url` key."""
    url = make_url(settings.tracker_store_url)
    backend = url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    plain = url.set(drivername=backend)
    return {
        "TRACKER_DIALECT": backend,
        "TRACKER_STORE_URL": plain.render_as_string(hide_password=False),
        "TRACKER_DB": plain.database or "",
    }


def write_endpoints(settings: Settings, target: Path) -> Path:
    """The engine's endpoints.yml: secrets stay in the environment (${VAR}), not in the file."""
    endpoints: dict[str, object] = {
        "action_endpoint": {
            "url": f"http://{settings.app_host_for_engine}:{settings.app_port}/webhook",
            "headers": {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"},
        },
        # bot responses in the buyer's language, from the one message catalog (i18n)
        "nlg": {"type": "bot.catalog_nlg.CatalogNaturalLanguageGenerator"},
        "tracker_store": {
            "type": "SQL",
            "dialect": "${TRACKER_DIALECT}",
            "url": "${TRACKER_STORE_URL}",
            "db": "${TRACKER_DB}",
        },
    }
    if settings.redis_url:
        redis = make_url(settings.redis_url)
        # Rasa's Redis lock store, each change of a lock one Redis transaction (bot/lock_store.py)
        endpoints["lock_store"] = {
            "type": "bot.lock_store.AtomicRedisLockStore",
            "url": redis.host or "127.0.0.1",
            "port": redis.port or 6379,
            "db": int(redis.database or 0),
            "password": "${LOCK_STORE_PASSWORD}" if redis.password else None,
            "key_prefix": "exportdesk",
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return target


# What the engine process may see of the launcher's environment: the basics a process needs
# (where programs are, the home folder, locale, time zone, temporary folder) and the thread
# counts of the numeric libraries. Nothing else passes: the staff tokens, Slack's secrets, the
# database and quote-link secrets of the app stay out of the engine (issue 14, finding 12).
ENGINE_ENV_PASSTHROUGH = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TEMP",
        "TMP",
        "SYSTEMROOT",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "TF_NUM_INTEROP_THREADS",
        "TF_NUM_INTRAOP_THREADS",
        "CUDA_VISIBLE_DEVICES",
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
    }
)
ENGINE_ENV_PASSTHROUGH_PREFIXES = ("LC_",)


def base_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed part of `environ` (default: this process's environment)."""
    source = os.environ if environ is None else environ
    return {
        name: value
        for name, value in source.items()
        if name in ENGINE_ENV_PASSTHROUGH or name.startswith(ENGINE_ENV_PASSTHROUGH_PREFIXES)
    }


# The numeric libraries' threads of a serving engine, unless the launcher's environment sets
# them: one each. A turn's TensorFlow ops are small (DIET, TED on one conversation), and on
# shared cores, beside the app and other engine workers, pools of threads that hand work over
# and spin cost CPU: at the defaults (a pool per core) the process's other threads used 25 ms
# of CPU a turn and the whole engine 114 ms; at one thread each 7 and 91 ms (issue 15's turn
# profile, same load). Training is not started with these (it runs with the basics alone).
SERVING_THREADS = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def engine_env(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The engine's whole environment: the allow-listed basics (thread counts one each unless
    given), and what the engine reads (its API token, its input channel's secret, the action
    webhook's token, the tracker store, the lock store's password)."""
    env = {
        **SERVING_THREADS,
        **base_env(environ),
        **tracker_env(settings),
        "ACTION_SERVER_TOKEN": settings.action_server_token.get_secret_value(),
        "RASA_AUTH_TOKEN": settings.rasa_auth_token.get_secret_value(),
        "ENGINE_CHANNEL_TOKEN": settings.engine_channel_token.get_secret_value(),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
    }
    if settings.redis_url:
        password = make_url(settings.redis_url).password
        if password:
            env["LOCK_STORE_PASSWORD"] = password
    return env
