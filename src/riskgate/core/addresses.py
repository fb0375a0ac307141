"""The addresses of pages that take no arguments, reversed once: the same for every request under one script
prefix. Reversing the navigation's and the portal's links on every page was a tenth of the portal's search
that is not in the page cache (bench/portal)."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=256)
def _address(name: str, prefix: str) -> str:
    return reverse(name)


def address(name: str) -> str:
    """reverse(name) of a URL name without arguments."""
    return _address(name, get_script_prefix())
