"""Duty swaps (tukar dinas, docs/rules.md §8) through the approval engine."""


def register_approval_spec() -> None:
    """Register duty swaps with the approval engine (from ShiftsConfig.ready)."""
