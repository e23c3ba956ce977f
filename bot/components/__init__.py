"""Custom Rasa NLU components of the exportdesk engine (run in the engine's Python 3.10).

They are named in config.yml by module path (``bot.components.<module>.<Class>``), so the
project root must be importable: ``python -m rasa ...`` run from the root has it on
``sys.path``, and ``bot/serve.py`` puts it there for ``rasa run``.
"""
