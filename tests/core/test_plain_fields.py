"""core.forms.plain_fields renders a form's fields as Django's own as_div does (same labels, values, selections,
errors and aria attributes), only faster; the portal's filter form uses it, under the portal's own error summary.
The project's form templates add the summary and required markers around the same fields (decision 0017)."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from riskgate.core.forms import plain_fields
from riskgate.warnings.forms import PortalFilterForm


class _Parts(HTMLParser):
    """Tags with their attributes as sets (attribute order carries no meaning), and the text between them."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(re.sub(r"\s+", " ", data.strip()))


def _normal(html: str) -> list:
    parser = _Parts()
    parser.feed(str(html))
    return parser.parts


def stock_div(form) -> str:
    """Django's own div rendering, without the project's overrides of its form templates."""
    return form.render("django/forms/div.html", renderer=DjangoTemplates())


@pytest.mark.django_db  # the category field's choices come from the published warnings (cached after a first read)
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"q": "召回 <b>", "level": "I", "kind": "agency_notice", "state": "lifted", "origin": "cn"},
        {"origin": "zz", "hs_chapter": "8x", "region": "61", "since": "2026-13-01", "until": "2026-02-01"},
        {"level": "V", "category": '"><script>', "q": "x" * 300},
    ],
)
def test_same_as_django(data):
    form = PortalFilterForm(data)
    if data is not None:
        form.is_valid()
    assert _normal(plain_fields(form)) == _normal(stock_div(form))


def test_escapes_what_visitors_type():
    html = str(plain_fields(PortalFilterForm({"q": '"><script>alert(1)</script>'})))
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html


def test_refuses_a_widget_it_does_not_render():
    class Other(forms.Form):
        many = forms.MultipleChoiceField(choices=[("a", "A")])

    with pytest.raises(TypeError, match="SelectMultiple"):
        plain_fields(Other())


def test_a_prefilled_date_reaches_the_browsers_date_picker_in_chinese_too():
    """Django's Chinese date format (2026/01/05) is not a value a date input accepts: a redisplayed or prefilled
    date came back empty and was posted empty."""
    import datetime as dt

    from django.utils import translation

    from riskgate.core.forms import DatePicker

    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = DatePicker().render("d", dt.date(2026, 1, 5))
        assert 'type="date"' in html and 'value="2026-01-05"' in html
