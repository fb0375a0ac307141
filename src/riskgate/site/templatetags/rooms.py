"""`{% sections "intake.detail" info %}`: the sections downstream rooms add to an upstream page (site.rooms)."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from riskgate.site import rooms

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context, slot: str, obj):
    request = context["request"]
    rendered = []
    for section in rooms.sections(slot):
        data = rooms.resolve(section.read)(request.user, obj)
        if data is not None:
            rendered.append((render_to_string(section.template, {"p": data, "obj": obj}, request=request),))
    return format_html_join("", "{}", rendered)
