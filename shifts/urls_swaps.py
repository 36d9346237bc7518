"""Page URLs of the shifts app: swaps (included by shifts/urls.py)."""

urlpatterns: list = []
