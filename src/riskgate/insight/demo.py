"""The demo's dashboard tallies, counted from the risk information the demo imported."""


def load_demo_tallies() -> int:
    from .services import rebuild

    return rebuild()
