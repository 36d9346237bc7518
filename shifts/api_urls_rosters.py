"""API URLs of the shifts app: rosters (included by shifts/api_urls.py)."""

urlpatterns: list = []
