from django.db import models


class BaseModel(models.Model):
    """Every FlexWork table carries when a row was made and last changed (HackSoft BaseModel)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
