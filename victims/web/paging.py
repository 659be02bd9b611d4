"""Which page of a list was asked for, and the GOV.UK pagination links for a page of results."""

from __future__ import annotations

import re
from typing import Any

from flask import request, url_for

from victims.lists import Page

# Anything else is page 1; a page past the end is the last page (victims.lists.paginate).
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")


def page_number(name: str = "page") -> int:
    value = request.args.get(name, "")
    return int(value) if PAGE_NUMBER.fullmatch(value) else 1


def pagination(result: Page, endpoint: str, page_arg: str = "page", **args: Any) -> dict | None:
    """Parameters for govukPagination: the first and last pages, and two either side of the
    current one; None when everything fits on one page. A list counted only up to its cap
    (victims.lists.COUNT_CAP) has no last page to link to: the links stop after the pages
    known to exist, with an ellipsis for the rest, and "Next" while a full page was shown."""
    if result.pages <= 1 and not result.capped:
        return None

    def href(number: int) -> str:
        return url_for(endpoint, **{**args, page_arg: number})

    if result.capped:
        last = min(result.page + 2, result.pages) if result.page + 2 <= result.pages else result.page
        if last == result.page and result.has_next:
            last += 1
    else:
        last = result.pages
    items: list[dict] = []
    for number in range(1, last + 1):
        if number in (1, last) or abs(number - result.page) <= 2:
            items.append({"number": number, "href": href(number), "current": number == result.page})
        elif abs(number - result.page) == 3:
            items.append({"ellipsis": True})
    if result.capped and result.has_next:
        items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Pages of results"}
    if result.page > 1:
        params["previous"] = {"href": href(result.page - 1)}
    if result.has_next:
        params["next"] = {"href": href(result.page + 1)}
    return params
