"""API of the shifts app (docs/api.md, shift rows). Each part keeps its own patterns."""

from shifts import api_urls_catalogue, api_urls_rosters, api_urls_swaps

urlpatterns = [*api_urls_catalogue.urlpatterns, *api_urls_rosters.urlpatterns, *api_urls_swaps.urlpatterns]
