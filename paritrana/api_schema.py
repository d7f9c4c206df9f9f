"""The API schema's class (settings REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]). Apart from
paritrana.api, which DRF imports while drf-spectacular is importing DRF's views."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .api import StrictFieldsMixin

_ERROR_DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)
_VALIDATION_ERROR = ResolvedComponent(
    name="ValidationError",
    type=ResolvedComponent.SCHEMA,
    object="ValidationError",
    schema={
        "type": "object",
        "description": "The messages per field (a list of messages, or the messages of the "
        "nested fields); `non_field_errors` for the rest; `detail` for a body that could not "
        "be read.",
        "additionalProperties": {},
    },
)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, plus the error answers a route can give, so that a client (and the
    schemathesis fuzz test) can rely on every status code and body being documented:

    - 400 (`ValidationError`) for a write, or a read with query parameters other than `page`;
    - 401 (`ErrorDetail`) where the view authenticates: an unknown, expired or revoked token;
    - 403 (`ErrorDetail`) where a permission other than AllowAny applies, or where the view
      authenticates (a missing CSRF token, a read-only token on a write is refused);
    - 404 (`ErrorDetail`) for a route with path parameters or pages;
    - 415 (`ErrorDetail`) for a write sent as a media type the route does not read.

    And the path parameters say what the URL pattern accepts (a string's pattern, an integer's
    bounds): anything else does not reach the API at all (Django answers its own 404 page); an
    optional query parameter sent empty counts as not sent (`allowEmptyValue`).
    A list whose items may be null says so (drf-spectacular drops the child's `allow_null`),
    and the input of a serializer that refuses unknown fields (StrictFieldsMixin) says that no
    other property is allowed. A request body that is one of several shapes without a
    discriminator (the figures of a government or of a business) is `anyOf` them: a body both
    shapes accept (only a justification) is valid, which `oneOf` would deny."""

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and "oneOf" in schema and "discriminator" not in schema:
            schema["anyOf"] = schema.pop("oneOf")
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        child = getattr(field, "child", None)
        if (
            isinstance(field, serializers.ListField)
            and getattr(child, "allow_null", False)
            and "items" in schema
        ):
            items = schema["items"]
            nullable = {"allOf": [items]} if "$ref" in items else items
            schema["items"] = {**nullable, "nullable": True}
        return schema

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                self._constrain_path_parameter(parameter)
            elif parameter["in"] == "query" and not parameter.get("required"):
                # "?kind=" is no filter, "?page=" the first page, "?stage=" the default stage.
                parameter.setdefault("allowEmptyValue", True)
        responses = operation["responses"]
        for code, (description, component) in self._error_answers(operation).items():
            if code not in responses:
                self.registry.register_on_missing(component)
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": component.ref}},
                }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_answers(self, operation) -> dict[str, tuple[str, ResolvedComponent]]:
        parameters = operation.get("parameters", [])
        path = any(p["in"] == "path" for p in parameters)
        query = {p["name"] for p in parameters if p["in"] == "query"}
        write = self.method not in _SAFE_METHODS
        view = self.view
        guarded = bool(view.get_authenticators()) or any(
            not isinstance(p, AllowAny) for p in view.get_permissions()
        )
        answers = {}
        if write or query - {"page"}:
            answers["400"] = ("Bad input: the messages per field.", _VALIDATION_ERROR)
        if view.get_authenticators():
            answers["401"] = ("A token that is unknown, expired or revoked.", _ERROR_DETAIL)
        if guarded:
            answers["403"] = (
                "Not signed in, or not allowed to do this (or a wrong token or CSRF token).",
                _ERROR_DETAIL,
            )
        if path or "page" in query:
            answers["404"] = ("Not found, or outside what you may see.", _ERROR_DETAIL)
        if write:
            answers["415"] = ("A media type this route does not read.", _ERROR_DETAIL)
        return answers

    def _constrain_path_parameter(self, parameter) -> None:
        # drf-spectacular names a `pk` group after the model's primary key ("code").
        accepted = _group_pattern(self.path_regex, parameter["name"])
        if accepted is None:
            accepted = _group_pattern(self.path_regex, "pk")
        schema = parameter["schema"]
        if accepted is None or "$ref" in schema:
            return
        if schema.get("type") == "string":
            schema.setdefault("pattern", f"^{accepted}$")
        elif schema.get("type") == "integer" and accepted.startswith("[0-9]"):
            schema.setdefault("minimum", 0)
            digits = re.fullmatch(r"\[0-9\]\{1,(\d+)\}", accepted)
            if digits:
                schema.setdefault("maximum", 10 ** int(digits[1]) - 1)


def _group_pattern(path_regex: str, name: str) -> str | None:
    """The pattern of the named group `name` of a URL regex (groups nested in it included)."""
    start = path_regex.find(f"(?P<{name}>")
    if start < 0:
        return None
    begin = index = start + len(f"(?P<{name}>")
    depth = 1
    while index < len(path_regex):
        char = path_regex[index]
        if char == "\\":
            index += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return path_regex[begin:index]
        index += 1
    return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The personal API tokens (accounts.authentication): `Authorization: Token prt_…`."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        from accounts.authentication import KEYWORD

        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=KEYWORD
        )
