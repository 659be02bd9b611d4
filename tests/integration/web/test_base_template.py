"""templates/base.html is govuk_frontend_jinja's template.html with less work per page: it must
draw exactly what the package's template draws, whatever a page sets or overrides."""

from __future__ import annotations

import pytest

PACKAGE = "govuk_frontend_jinja/template.html"
OURS = "base.html"

SETTINGS = {
    "nothing set": {},
    "everything set": {
        "htmlLang": "cy",
        "htmlClasses": "app-html",
        "pageTitleLang": "cy",
        "themeColor": "#000000",
        "assetPath": "/static-elsewhere",
        "opengraphImageUrl": "https://example.org/image.png",
        "bodyClasses": "app-body",
        "bodyAttributes": {"data-body": "yes"},
        "cspNonce": "n0nce",
        "headerClasses": "app-header",
        "headerAttributes": {"data-header": "yes"},
        "serviceName": "A service",
        "serviceUrl": "/home",
        "containerClasses": "app-width-container--wide",
        "containerAttributes": {"data-container": "yes"},
        "mainClasses": "app-main",
        "mainLang": "en",
        "mainAttributes": {"data-main": "yes"},
        "footerClasses": "app-footer",
        "footerAttributes": {"data-footer": "yes"},
    },
    "asset URL only": {"assetUrl": "https://example.org/assets", "serviceName": "A service"},
}

# The package's template calls govukHeader() and govukFooter() without their parameters, which
# the macros refuse: a page always draws its own (as templates/layout.html does).
CHROME = (
    '{% block govukHeader %}{{ govuk_component("header", {"homepageUrl": "/"}) }}{% endblock %}'
    '{% block govukFooter %}{{ govuk_component("footer", {"meta": {"items": []}}) }}{% endblock %}'
)
BLOCKS = {
    "the template's own blocks": CHROME,
    "a page's blocks": (
        CHROME + "{% block pageTitle %}Title – Service – GOV.UK{% endblock %}"
        "{% block head %}<link rel=stylesheet href=/a.css>{% endblock %}"
        "{% block beforeContent %}<a href=/back>Back</a>{% endblock %}"
        "{% block content %}<h1>Heading</h1>{% endblock %}"
        "{% block bodyEnd %}<script src=/app.js></script>{% endblock %}"
    ),
    "empty header and footer": (
        "{% block govukHeader %}{% endblock %}{% block govukServiceNavigation %}  {% endblock %}"
        "{% block govukFooter %}{% endblock %}"
    ),
    "header and footer ends": (
        CHROME
        + "{% block headerStart %}<p>start</p>{% endblock %}{% block headerEnd %}<p>end</p>{% endblock %}"
        "{% block footerStart %}<p>start</p>{% endblock %}{% block footerEnd %}<p>end</p>{% endblock %}"
        "{% block skipLink %}<a href=#main>Skip</a>{% endblock %}"
    ),
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("blocks", BLOCKS.values(), ids=BLOCKS.keys())
def test_base_template_draws_what_the_package_template_draws(app, settings, blocks):
    def drawn(base: str) -> str:
        page = app.jinja_env.from_string("{% extends base %}" + blocks)
        with app.test_request_context("/"):
            return page.render(base=base, **settings)

    ours = drawn(OURS)
    assert ours == drawn(PACKAGE)
    assert "<body" in ours and "</html>" in ours
