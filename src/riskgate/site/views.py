"""The role home page: each room's panels that have something for this user, in the registry's order."""

from django.shortcuts import render

from riskgate.core.access import login_required

from . import rooms


@login_required
def home(request):
    shown = []
    for panel in rooms.panels():
        context = rooms.resolve(panel.read)(request.user)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return render(request, "site/home.html", {"panels": shown})
