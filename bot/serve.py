"""Start `rasa run` with the HTTP API's auth token taken from the environment (and the input
channel's secret, ENGINE_CHANNEL_TOKEN, which bot/channels/app.py reads there).

Runs in the engine's own Python 3.10 environment. Passing the token here, rather than on the
command line, keeps it out of `ps` listings.
"""

import importlib
import os
import sys
from pathlib import Path

# The project root: the engine imports bot.catalog_nlg and the message catalog in i18n.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.__main__ import main  # noqa: E402

if __name__ == "__main__":
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not token:
        sys.exit("RASA_AUTH_TOKEN is not set")
    # the input channel's secret (bot/channels/app.py reads it): no engine without one
    if not os.environ.get("ENGINE_CHANNEL_TOKEN"):
        sys.exit("ENGINE_CHANNEL_TOKEN is not set")
    # the action webhook's answers checked with a schema compiled once (bot/action_calls.py)
    # (imported by name: bot/ is no package to mypy, which checks this file as `serve`)
    importlib.import_module("bot.action_calls").install()
    # each event's class found by its type name once (bot/event_types.py)
    importlib.import_module("bot.event_types").install()
    # a turn's new events written to the SQL tracker store by one statement
    importlib.import_module("bot.sql_tracker_store").install()
    # one argument ("--auth-token=..."): a token may start with "-"
    sys.argv = ["rasa", "run", *sys.argv[1:], "--enable-api", f"--auth-token={token}"]
    main()
