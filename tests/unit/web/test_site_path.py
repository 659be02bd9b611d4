"""Where `next` may send someone after signing in: a path a route of this service matches,
judged as a browser reads it, rebuilt by us."""

import pytest
from werkzeug.routing import Map, Rule

from victims.web.security import site_path

ROUTES = Map(
    [
        Rule("/", endpoint="main.home"),
        Rule("/cases/mine", endpoint="cases.mine"),
        Rule("/cases/<int:case_id>", endpoint="cases.case"),
        Rule("/sign-out", endpoint="auth.sign_out"),
        Rule("/assets/<path:filename>", endpoint="static"),
        Rule("/api/v1/openapi.json", endpoint="api.openapi"),
        Rule("/cases/<int:case_id>/contacts/new", endpoint="cases.add_contact", methods=["POST"]),
    ]
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/cases/mine?q=x", "/cases/mine?q=x"),
        ("/cases/mine?q=Smith%20Jones&page=2", "/cases/mine?q=Smith%20Jones&page=2"),
        ("/cases/mine?q=a\tb", "/cases/mine?q=ab"),
        ("/cases/mine?q=<script>", "/cases/mine?q=%3Cscript%3E"),
        ("/cases/mine#top", "/cases/mine"),
        ("/cases/12", "/cases/12"),
        ("/cases/./mine", "/cases/mine"),
        ("/cases/12/../mine", "/cases/mine"),
        ("/", "/"),
        # Not pages of this service, or no place to land.
        ("/cases/mine/", None),
        ("/cases/12/contacts/new", None),  # POST only
        ("/sign-out", None),
        ("/assets/app.js", None),
        ("/api/v1/openapi.json", None),
        ("/nowhere", None),
        # Other sites, however written.
        ("//evil.example/x", None),
        ("/\\evil.example", None),
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("\x00//evil.example", None),
        (" //evil.example", None),
        ("/%2F/evil.example", None),
        ("/%252F%252Fevil.example", None),
        ("/%25252525252F/evil.example", None),  # too many layers to be a real link
        ("/%5C/evil.example", None),
        ("/..//evil.example", None),
        ("/%2e%2e//evil.example", None),
        ("https://evil.example/", None),
        ("https:/evil.example", None),
        ("javascript:alert(1)", None),
        ("cases/mine", None),
        ("", None),
        (None, None),
    ],
)
def test_only_pages_of_this_service_are_followed(value, expected):
    assert site_path(value, ROUTES) == expected
