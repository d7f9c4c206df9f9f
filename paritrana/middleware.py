import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.mfa import GRACE_DEADLINE, grace_deadline, has_totp, session_passed_mfa
from accounts.rules import must_use_mfa
from accounts.security import log_refused
from accounts.sessions import session_expired

from .storage import is_storage_full

logger = logging.getLogger(__name__)


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the person chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so most visitors on
    an English-language phone or office PC would land on English; the award speaks Bahasa
    Indonesia first and offers English on request (the language cookie set by /i18n/setlang/).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NulByteMiddleware:
    """Refuse (400) a request whose path or query string holds a NUL character: no page or API
    route takes one, and PostgreSQL refuses it in a query (a 500). Form and API fields refuse
    it themselves (Django's and DRF's character fields)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
            message = _("The address holds a character no page takes (NUL).")
            if _is_api(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# What anyone may open without logging in: the public site (namespace "public"), the home page,
# the language switch, the health check, the API's description and the public API (router
# basenames "public-…" in paritrana/urls.py).
_PUBLIC_NAMES = {"home", "healthz", "set_language", "api-schema", "api-docs", "api-redoc"}


def _resolved(request):
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def _is_public(request) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    match = _resolved(request)
    if match is None:
        return False
    return (
        match.namespace == "public"
        or match.url_name in _PUBLIC_NAMES
        or (match.url_name or "").startswith("public-")
    )


def _is_account_page(request) -> bool:
    """allauth's pages: log in and out, the two-factor pages, password change."""
    match = _resolved(request)
    return match is not None and match.func.__module__.startswith("allauth.")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _redirect(request, url: str):
    # An htmx request would swap the target page into a fragment; tell htmx to navigate instead.
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _to_login(request):
    return _redirect(request, redirect_to_login(request.get_full_path())["Location"])


class PrivateNoStoreMiddleware:
    """What a logged-in person sees, and every answer of the API outside its public part, is
    kept by no browser or proxy (`Cache-Control: private, no-store`): a shared office computer's
    back button or a proxy's cache would show it to the next person. A response that says how
    it may be cached already keeps its header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        private = (
            user is not None and user.is_authenticated
        ) or "HTTP_AUTHORIZATION" in request.META
        if private or (_is_api(request) and not _is_public(request)):
            response["Cache-Control"] = "private, no-store"
        return response


class SecurityLogMiddleware:
    """Log every refused authorisation on `paritrana.security`: 401 and 403 answers, and 404
    answered to a logged-in person outside the public site (object scoping answers 404 for
    what lies outside a person's scope, so as not to reveal that it exists)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in (401, 403) or (
            status == 404 and request.user.is_authenticated and not _is_public(request)
        ):
            log_refused(request, status)
        return response


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS after
    the login (accounts.sessions). The person is sent to log in again with a message; the public
    site and the API go on answering them as anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_expired(request.session)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
                if not (_is_public(request) or _is_account_page(request) or _is_api(request)):
                    return _to_login(request)
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Who must use two-factor authentication (accounts.rules.must_use_mfa: everyone with a role)
    reaches nothing but the public site and allauth's account pages until this session has
    passed it.

    - No authenticator app yet: the deciders (`must_use_mfa_at_once`) at once, everyone else
      once their grace period is over (accounts.mfa.grace_deadline), are sent to activate one
      (the API answers 403). Within the grace period the person works as before, and every page
      says until when (`request.mfa_grace_deadline`, shown by base.html). Activating with a
      correct code counts as this session's second factor (accounts.signals).
    - An authenticator app, but this session never gave a code (it began before the app was
      activated, or through a login that skips allauth's code step): logged out and sent to log
      in again, which asks for the code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        user = request.user
        if not user.is_authenticated or session_passed_mfa(request, user) or not must_use_mfa(user):
            return None
        if has_totp(user):
            logout(request)
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication. Log in again with the code "
                    "from your authenticator app."
                ),
            )
            if _is_public(request) or _is_account_page(request) or _is_api(request):
                return None  # answered as anonymous from here on
            return _to_login(request)
        deadline = grace_deadline(user)
        if deadline is not None and timezone.now() < deadline:
            setattr(request, GRACE_DEADLINE, deadline)
            return None
        if _is_public(request) or _is_account_page(request):
            return None
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": _(
                        "Your role requires two-factor authentication. Activate an "
                        "authenticator app on the website first."
                    )
                },
                status=403,
            )
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Activate an authenticator app "
                "below to continue."
            ),
        )
        return _redirect(request, reverse("mfa_activate_totp"))


class RefusedFormMiddleware:
    """A form sent and refused (a POST answered with a page and 400) says so at the top of the
    page (`form_refused` in base.html): the messages by the fields may be far down a long
    page. htmx requests get their fragment unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if (
            request.method == "POST"
            and response.status_code == 400
            and not getattr(request, "htmx", False)
            and response.context_data is not None
        ):
            response.context_data["form_refused"] = True
        return response


class StorageFullMiddleware:
    """A file the request writes that does not fit (a full disk, a quota, a file-size limit:
    paritrana.storage) is answered 503 with a message, as JSON in the API, instead of a 500: the
    storage removed the partial file and the service's transaction kept the database unchanged,
    so nothing was saved and the same request can be sent again later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_storage_full(exception):
            return None
        logger.error("Storage full on %s %s: %s", request.method, request.path, exception)
        message = _(
            "The server has no room left to store files, so nothing was saved. Try again later; "
            "if it happens again, tell the secretariat or the system administrator."
        )
        if _is_api(request):
            return JsonResponse({"detail": message}, status=503)
        return TemplateResponse(
            request, "storage_full.html", {"message": message}, status=503
        ).render()
