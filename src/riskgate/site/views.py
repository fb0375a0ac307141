"""The home page: for a visitor, the public home (warnings in force by level, the latest warnings and recall
notices, report a risk, follow a report, subscribe, a staff sign-in link); for a signed-in user, the role home —
my pending work first (what each room says waits for this user, the most pressing first, core.work), then each
room's panels that have something for this user, in the registry's order."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from riskgate.core.access import MAX_ID, login_required
from riskgate.core.vocabulary import WarningLevel
from riskgate.core.work import pressing_first
from riskgate.response.queries import recalls as recall_queries
from riskgate.warnings import queries as warning_queries

from . import chain as chains
from . import rooms

LATEST = 5


def home(request):
    if not request.user.is_authenticated:
        return public_home(request)
    work = pressing_first([group for path in rooms.work() for group in rooms.resolve(path)(request.user)])
    shown = []
    for panel in rooms.panels():
        context = rooms.resolve(panel.read)(request.user)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return render(request, "site/home.html", {"work": work, "panels": shown})


def public_home(request):
    """What a citizen, an importer or a journalist comes for, on one screen (issue 26: `/` sent them to sign in)."""
    in_force = warning_queries.public_warnings(state="in_force")
    counts = dict(in_force.order_by().values_list("level").annotate(n=Count("id")))
    levels = [{"level": level, "label": level.label, "count": counts.get(level.value, 0)} for level in WarningLevel]
    context = {
        "levels": levels,
        "total": sum(counts.values()),
        "latest": warning_queries.public_warnings()[:LATEST],
        "recalls": recall_queries.public_recalls().order_by("-published_at", "-id")[:LATEST],
    }
    return render(request, "site/public_home.html", context)


@login_required
def chain(request, kind: str, pk: int):
    """One risk's whole chain from any of its records, as this user may see it (issue 26 item 8); 404 when the
    record is not the user's to read."""
    found = chains.chain(request.user, kind, pk) if kind in chains.KINDS and 0 < pk <= MAX_ID else None
    if found is None:
        raise Http404
    return render(request, "site/chain.html", {"chain": found, "kind": kind})
