"""Which function handles an outbox topic. Apps register their handlers when they are ready:

    from flexwork.outbox import registry

    @registry.register("notification.email")
    def notification_email_handler(payload: dict) -> None: ...

A handler receives the row's JSON payload, runs inside the transaction that holds the row's lock
and must be idempotent: delivery is at least once.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[dict], None]

_handlers: dict[str, Handler] = {}


def register(topic: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        existing = _handlers.get(topic)
        if existing is not None and existing is not handler:
            if f"{existing.__module__}.{existing.__qualname__}" != f"{handler.__module__}.{handler.__qualname__}":
                raise ValueError(f"Outbox topic {topic!r} already has a handler: {existing!r}")
        _handlers[topic] = handler
        return handler

    return decorator


def handler_for(topic: str) -> Handler:
    try:
        return _handlers[topic]
    except KeyError:
        raise LookupError(f"No outbox handler is registered for topic {topic!r}") from None


def topics() -> list[str]:
    return sorted(_handlers)
