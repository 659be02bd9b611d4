import pytest

from victims.web.security import site_path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/cases/mine?q=x", "/cases/mine?q=x"),
        ("//evil.example/x", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("cases/mine", None),
        ("", None),
        (None, None),
    ],
)
def test_only_paths_on_this_site_are_followed(value, expected):
    assert site_path(value) == expected
