"""Template context every page shares (settings.TEMPLATES)."""

from accounts.sessions import seconds_left
from candidates.selectors import demo_data_present


class _Lazy:
    """Evaluated when a template asks: a page that never shows it costs nothing."""

    def __init__(self, read):
        self._read = read
        self._value = None

    def __bool__(self):
        if self._value is None:
            self._value = bool(self._read())
        return self._value


def demo_data(request):
    return {"demo_data": _Lazy(demo_data_present)}


def session_clock(request):
    """How long a logged-in person's session has left (static/js/session.js warns before it
    ends and offers to extend it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_seconds_left": seconds_left(request.session)}
