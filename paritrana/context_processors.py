"""Template context every page shares (settings.TEMPLATES)."""

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
