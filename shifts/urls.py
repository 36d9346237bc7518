"""Pages of the shifts app (docs/rules.md §8). Each part keeps its own patterns."""

from shifts import urls_catalogue, urls_rosters, urls_swaps

app_name = "shifts"
urlpatterns = [*urls_catalogue.urlpatterns, *urls_rosters.urlpatterns, *urls_swaps.urlpatterns]
