"""Loading the demo: the base world of every room (what the tests' `world` uses too), then the full demo."""

from collections.abc import Callable

from . import rooms


def load_world() -> dict[str, int]:
    """Organisations, one account per role, and what each room keeps on them (sharing scopes, registries);
    idempotent. Returns the counts of organisations and accounts created."""
    counts: dict[str, int] = {}
    for room in rooms.ROOMS:
        for loader in room.world:
            counts.update(rooms.resolve(loader)() or {})
    return counts


def load_demo(say: Callable[[str], None]) -> None:
    """Every room's demo in the registry's order (each step idempotent), each reporting what it created."""
    for room in rooms.ROOMS:
        for step in room.demo:
            result = rooms.resolve(step.loader)()
            if step.report:
                say(step.report.format(result))
