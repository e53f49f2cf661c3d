"""The assistant's configuration, read from the environment when needed (never at import).

``OPENAI_API_KEY`` (a secret) turns the assistant on; unset, empty or ``none``, it is hidden.
``ASSISTANT_MODEL`` names the model, ``ASSISTANT_BASE_URL`` an OpenAI-compatible server
instead of OpenAI's (the local stand-in), ``ASSISTANT_DAILY_TOKENS`` the daily spend cap of
an organisation in model tokens, ``ASSISTANT_DOMAIN_KEY`` the ChatKit domain key the web
component presents."""

from __future__ import annotations

import os

from .. import config

DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_DAILY_TOKENS = 200_000
DEFAULT_MESSAGES_PER_MINUTE = 12


def api_key() -> str:
    key = config.secret("OPENAI_API_KEY")
    return "" if key.lower() in ("none", "unset") else key


def configured() -> bool:
    """Whether the assistant is on (a key is set)."""
    return bool(api_key())


def model() -> str:
    return os.environ.get("ASSISTANT_MODEL", "").strip() or DEFAULT_MODEL


def base_url() -> str | None:
    """An OpenAI-compatible API to use instead of OpenAI's (``.../v1``), or None."""
    return os.environ.get("ASSISTANT_BASE_URL", "").strip() or None


def daily_tokens() -> int:
    """Model tokens an organisation may spend per day (UTC); 0 turns the cap off."""
    return max(0, config.env_int("ASSISTANT_DAILY_TOKENS", DEFAULT_DAILY_TOKENS))


def messages_per_minute() -> int:
    """Questions one person may ask per minute (each costs a model run)."""
    return max(1, config.env_int("ASSISTANT_MESSAGES_PER_MINUTE", DEFAULT_MESSAGES_PER_MINUTE))


def domain_key() -> str:
    return os.environ.get("ASSISTANT_DOMAIN_KEY", "").strip()
