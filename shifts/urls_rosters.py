"""Page URLs of the shifts app: rosters (included by shifts/urls.py)."""

urlpatterns: list = []
