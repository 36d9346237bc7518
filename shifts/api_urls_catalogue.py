"""API URLs of the shifts app: catalogue (included by shifts/api_urls.py)."""

urlpatterns: list = []
