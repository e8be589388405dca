"""What every page's frame needs from the access gate: which sections the top menu offers."""

from portal import notices, scoping


def access(request) -> dict:
    """``access.<section>`` is true when the user may open that section (portal.scoping.menu);
    ``unread_notices``: the count on the bell."""
    user = getattr(request, "user", None)
    return {"access": scoping.menu(user), "unread_notices": notices.unread_count(user)}
