"""My caseload's filters in a real browser, checked by axe (issue 14, item 8): a VLO filters by
stage and a need, sees the counts, and finds the filters kept when they open the list again.

Grace is used by no other end-to-end test; the demo gives her a caseload of her own. The options
chosen are the first with cases to show, so the test does not depend on the demo's exact mix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COUNT = re.compile(r"\((\d+)\)")


def _first_with_cases(page, group: str) -> tuple[str, int]:
    """The label and count of the first option of a filter group that would show some cases."""
    fieldset = page.get_by_role("group", name=group)
    for label in fieldset.locator("label").all():
        text = label.inner_text()
        count = int(COUNT.search(text).group(1))
        if count:
            return text.rsplit(" (", 1)[0], count
    raise AssertionError(f"no {group} option with cases")


def _listed(page) -> int:
    return int(re.match(r"(\d+)", page.get_by_test_id("list-count").inner_text()).group(1))


def test_a_vlo_filters_my_caseload_by_stage_and_need_and_finds_them_kept(ui):
    page = ui.page
    ui.sign_in("grace.vlo")
    ui.follow(page.get_by_role("link", name="My caseload"))
    expect(page.get_by_role("heading", name="Filter")).to_be_visible()
    everything = _listed(page)

    stage, stage_count = _first_with_cases(page, "Stage")
    page.get_by_role("group", name="Stage").get_by_label(re.compile(rf"^{re.escape(stage)} \(")).check()
    ui.submit("Apply filters")
    assert _listed(page) == stage_count <= everything
    expect(page.get_by_test_id("selected-filters")).to_contain_text(stage)

    need, need_count = _first_with_cases(page, "Needs")  # counts now within the stage chosen
    page.get_by_role("group", name="Needs").get_by_label(re.compile(rf"^{re.escape(need)} \(")).check()
    ui.submit("Apply filters")
    assert _listed(page) == need_count <= stage_count
    rows = page.get_by_test_id("caseload").locator("tbody tr")
    expect(rows).to_have_count(min(need_count, 25))

    # Opened again from the menu (no query string): the filters come back.
    ui.follow(page.get_by_role("link", name="My caseload"))
    selected = page.get_by_test_id("selected-filters")
    expect(selected).to_contain_text(stage)
    expect(selected).to_contain_text(need)
    assert _listed(page) == need_count
    page.reload()
    ui.check()
    expect(page.get_by_test_id("selected-filters")).to_contain_text(need)

    # A tag removes its filter; "Clear filters" removes them all, and they stay cleared.
    ui.follow(selected.get_by_role("link", name=re.compile(rf"Remove this filter\s+{re.escape(need)}")))
    assert _listed(page) == stage_count
    ui.follow(page.get_by_role("link", name="Clear filters"))
    expect(page.get_by_test_id("selected-filters")).to_have_count(0)
    assert _listed(page) == everything
    ui.follow(page.get_by_role("link", name="My caseload"))
    expect(page.get_by_test_id("selected-filters")).to_have_count(0)
    ui.finish()
