"""Organisation events that change duties (docs/rules.md §8), and the duty notices."""


def connect() -> None:
    """Subscribe to organisation events and register the notice kinds (from ShiftsConfig.ready)."""
