"""Page URLs of the shifts app: catalogue (included by shifts/urls.py)."""

urlpatterns: list = []
