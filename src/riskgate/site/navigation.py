"""The navigation context processor: each room's links that this user may use (visitors see the public ones)."""

from riskgate.core.addresses import address

from . import rooms


def navigation(request):
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    if user is None or not user.is_authenticated:
        links = rooms.public_navigation()
    else:
        links = [
            link
            for link in rooms.navigation()
            if not link.permissions or any(user.has_permission(p) for p in link.permissions)
        ]
    return {
        "nav_items": [{"url": address(link.url), "label": link.label, "active": current == link.url} for link in links]
    }
