"""API URLs of the shifts app: swaps (included by shifts/api_urls.py)."""

urlpatterns: list = []
