"""Start `rasa run` with the HTTP API's auth token taken from the environment.

Runs in the engine's own Python 3.10 environment. Passing the token here, rather than on the
command line, keeps it out of `ps` listings.
"""

import os
import sys

from rasa.__main__ import main

if __name__ == "__main__":
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not token:
        sys.exit("RASA_AUTH_TOKEN is not set")
    # one argument ("--auth-token=..."): a token may start with "-"
    sys.argv = ["rasa", "run", *sys.argv[1:], "--enable-api", f"--auth-token={token}"]
    main()
