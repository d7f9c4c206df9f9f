"""Idle and absolute session timeouts (issue 7).

A session notes when its user logged in and when it last saw a request from them; the middleware
(paritrana.middleware.SessionTimeoutMiddleware) logs the person out when either is too old:
SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS after logging in, whatever they did.
"""

import time

from django.conf import settings
from django.utils.translation import ngettext

LOGIN_AT = "paritrana.login_at"
SEEN_AT = "paritrana.seen_at"

# The last-seen time is written at most this often, so that a burst of requests does not write
# the session each time; the idle timeout is therefore exact to within this many seconds.
TOUCH_EVERY_SECONDS = 60


def session_start(session) -> None:
    """Note the login (called on `user_logged_in`)."""
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def seconds_left(session) -> int | None:
    """How many seconds this session has before it ends without a request (idle) or at all
    (absolute), whichever comes first; None when its clock has not started."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return None
    ends = min(
        seen_at + settings.SESSION_IDLE_MINUTES * 60,
        login_at + settings.SESSION_MAX_HOURS * 3600,
    )
    return max(0, int(ends - time.time()))


def session_extend(session) -> int | None:
    """The person asked to stay logged in: their idle clock starts again now (the absolute
    limit stays). Returns the seconds left, as `seconds_left`."""
    if session.get(LOGIN_AT) is not None:
        session[SEEN_AT] = time.time()
    return seconds_left(session)


def session_expired(session) -> str | None:
    """Why this logged-in session is over (a message for the person), or None while it lasts.
    A session still in use has its last-seen time moved on."""
    now = time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session from before the timeouts existed: its clock starts now.
        session_start(session)
        return None
    if now - login_at > settings.SESSION_MAX_HOURS * 3600:
        hours = settings.SESSION_MAX_HOURS
        return ngettext(
            "You were logged out because you logged in more than %(hours)d hour ago. "
            "Please log in again.",
            "You were logged out because you logged in more than %(hours)d hours ago. "
            "Please log in again.",
            hours,
        ) % {"hours": hours}
    if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
        minutes = settings.SESSION_IDLE_MINUTES
        return ngettext(
            "You were logged out after %(minutes)d minute without activity. Please log in again.",
            "You were logged out after %(minutes)d minutes without activity. Please log in again.",
            minutes,
        ) % {"minutes": minutes}
    if now - seen_at >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = now
    return None
