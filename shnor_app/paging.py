"""One page of a long list: the page's rows and what the pager shows around them.

Free of Flask, so pages of database queries (``web.paginate``) and of lists already computed
(reports, an import's preview) are the same object to the templates.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        """How many rows come before this page (row numbers continue from it)."""
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_of(items: list, per_page: int, page: int) -> Page:
    """Page ``page`` of ``items`` (counted from 1; a number past the end gives the last page)."""
    pages = max(1, math.ceil(len(items) / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return Page(items[start:start + per_page], page, per_page, len(items))
