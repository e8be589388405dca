"""What every page's frame needs from the access gate: which sections the top menu offers."""

from portal import scoping


def access(request) -> dict:
    """``access.<section>`` is true when the user may open that section (portal.scoping.menu)."""
    return {"access": scoping.menu(getattr(request, "user", None))}
