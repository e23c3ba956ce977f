"""The engine's input channels (loaded at `rasa run` from bot/credentials.yml; training never
reads them, so they are outside the model's fingerprint)."""
