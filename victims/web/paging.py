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
    current one; None when everything fits on one page."""
    if result.pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for(endpoint, **{**args, page_arg: number})

    items: list[dict] = []
    for number in range(1, result.pages + 1):
        if number in (1, result.pages) or abs(number - result.page) <= 2:
            items.append({"number": number, "href": href(number), "current": number == result.page})
        elif abs(number - result.page) == 3:
            items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Pages of results"}
    if result.page > 1:
        params["previous"] = {"href": href(result.page - 1)}
    if result.page < result.pages:
        params["next"] = {"href": href(result.page + 1)}
    return params
