"""What every API view of the project shares: deny by default, permissions from django-rules,
the services' validation errors answered as 400 with a message per field, and input serializers that
refuse what they cannot set (the schema's class is in paritrana.api_schema)."""

import re
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings


class DenyAll(BasePermission):
    """The API's default: an API view that does not name its permission is closed to everyone."""

    def has_permission(self, request, view):
        return False


class RulesPermission(BasePermission):
    """Asks django-rules (`user.has_perm`) for the permission the view names for each action.

    `view.action_permissions` maps an action to the permission the request needs before any
    object is looked up; an action it does not name is denied. `view.object_permissions` maps
    an action to the permission the object needs once found (the view's queryset has already
    answered 404 for objects outside what the user may see)."""

    def has_permission(self, request, view):
        if _not_allowed(request, view):
            return True  # let the view answer 405: the route has no such method for anyone
        permission = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return permission is not None and request.user.has_perm(permission)

    def has_object_permission(self, request, view, obj):
        permission = getattr(view, "object_permissions", {}).get(view.action)
        return permission is None or request.user.has_perm(permission, obj)


def _not_allowed(request, view) -> bool:
    """A viewset route that has no handler for the method (OPTIONS stays denied: it describes
    what the user may do)."""
    action_map = getattr(view, "action_map", None)
    method = request.method.lower()
    if action_map is None or method == "options":
        return False
    return method not in action_map or method not in view.http_method_names


def validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF's error body: messages per field, the rest under
    `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return {
            api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    """DRF's handler, plus: a service's ValidationError (and NominationLocked,
    TransitionNotAllowed) is the client's mistake, answered 400 with the messages per field."""
    # Imported here: rest_framework.views imports this module (DEFAULT_PERMISSION_CLASSES).
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    return drf_exception_handler(exc, context)


# ---------------------------------------------------------------------------------------------
# Input: nothing set that the route does not take


# Sent by HTML forms (the browsable API) alongside the fields; never a field itself.
_FORM_KEYS = frozenset({"csrfmiddlewaretoken"})


class StrictFieldsMixin:
    """For input serializers: a key of the request body that is not a writable field of the
    serializer (a rank, a state, a province, a stage, an author, an id…) is refused with a 400
    naming it, instead of being silently dropped, so that a client never believes it changed
    what it cannot change. Nested serializers that use the mixin check their own keys."""

    def to_internal_value(self, data):
        refused = self._refused_keys(data)
        try:
            value = super().to_internal_value(data)
        except exceptions.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise exceptions.ValidationError({**error.detail, **refused}) from error
            raise
        if refused:
            raise exceptions.ValidationError(refused)
        return value

    def _refused_keys(self, data) -> dict[str, list[str]]:
        if not isinstance(data, Mapping):
            return {}  # DRF answers "Invalid data. Expected a dictionary…"
        writable = {name for name, field in self.fields.items() if not field.read_only}
        # HTML form input names nested values "scores[0]note" or "data.field".
        html = hasattr(data, "getlist")
        refused = {}
        for key in data:
            name = re.split(r"[\[.]", key, maxsplit=1)[0] if html else key
            if name not in writable and key not in _FORM_KEYS:
                refused[key] = [_("This field cannot be set: %(field)s.") % {"field": key}]
        return refused


class NoInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """The input of a route that takes none (submit, finalise, confirm): any field sent is
    refused rather than ignored."""


def refuse_input(request) -> None:
    """400 when the request body of a route that takes no input sets anything."""
    NoInputSerializer(data=request.data).is_valid(raise_exception=True)


# ---------------------------------------------------------------------------------------------
# A personal API token reaches one edition (issue 24)


def token_edition(request) -> int | None:
    """The id of the edition the request's API token is for, or None for a session (which
    reaches every edition of the user's scope)."""
    from accounts.models import ApiToken  # accounts imports this module's app late

    auth = getattr(request, "auth", None)
    return auth.edition_id if isinstance(auth, ApiToken) else None


def within_token_edition(queryset, request, edition_field: str):
    """`queryset` narrowed to the edition of the request's API token (`edition_field` leads to
    the edition: "category__edition", "edition"…); unchanged for a session. What lies outside is
    then 404, as everything outside a person's scope."""
    edition = token_edition(request)
    if edition is None:
        return queryset
    return queryset.filter(**{edition_field: edition})
