"""Windows of people for the pages that list a unit's people (docs/rules.md §3 "Team calendar"): a page of
at most PEOPLE_PAGE_SIZE people, a pager with "1–50 of 30,000" and big previous/next targets, the other
query parameters kept. The count comes from the selector (an SQL aggregate), never from loading everyone."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

PEOPLE_PAGE_SIZE = 50


def page_number(request, param: str = "page") -> int:
    """The page asked for (1 when absent or not a positive number)."""
    value = request.GET.get(param, "")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


@dataclass(frozen=True)
class PeopleWindow:
    number: int  # the page, from 1
    size: int
    count: int  # the people matching (the whole unit without a search)
    query: str  # the other parameters of the request, URL-encoded, without the page
    param: str = "page"

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        return 0 if not self.count else self.offset + 1

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.count)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 1

    def _url(self, number: int) -> str:
        prefix = f"{self.query}&" if self.query else ""
        return f"?{prefix}{self.param}={number}"

    @property
    def previous_url(self) -> str | None:
        return self._url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self._url(self.number + 1) if self.number < self.pages else None

    @property
    def first_url(self) -> str | None:
        return self._url(1) if self.number > 2 else None

    @property
    def last_url(self) -> str | None:
        return self._url(self.pages) if self.number < self.pages - 1 else None


def window_for(request, *, count: int, number: int, size: int = PEOPLE_PAGE_SIZE, param: str = "page") -> PeopleWindow:
    query: QueryDict = request.GET.copy()
    query.pop(param, None)
    return PeopleWindow(number=number, size=size, count=count, query=query.urlencode(), param=param)


def last_page(count: int, size: int = PEOPLE_PAGE_SIZE) -> int:
    return max(1, -(-count // size))
