from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


def model_update(*, instance: models.Model, fields: list[str], data: dict[str, Any]) -> tuple[models.Model, bool]:
    """Set `fields` from `data` and save only what really changed (HackSoft model_update).

    Returns the instance and whether anything was written, so callers can skip no-op side effects.
    """
    changed = []
    for field in fields:
        if field not in data:
            continue
        if getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    if changed:
        instance.full_clean()
        if any(f.name == "updated_at" for f in instance._meta.fields):
            instance.updated_at = timezone.now()
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)
