"""Every database constraint says, in both languages, a sentence a user understands, at the
field it concerns (issue 25, item 12): never Django's "Constraint “name” is violated." at the
top of a form (paritrana.constraints)."""

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from candidates.models import GovernmentData
from paritrana.constraints import ConstraintsAtFields, field_of


def _constraints():
    return [
        (model, constraint)
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "audit", "candidates", "ceremonies", "scoring")
        for constraint in model._meta.constraints
    ]


def _fields_read(constraint) -> set[str]:
    read = set(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        read |= set(models.Q(condition).referenced_base_fields)
    return read


def test_the_walk_finds_every_constraint():
    names = {constraint.name for _model, constraint in _constraints()}
    assert len(names) == 60
    assert {
        "govdata_non_asn_covered_within",
        "nomination_unique_per_category",
        "role_assignment_scope",
        "ceremony_place_or_video",
        "award_one_current_per_kind",
    } <= names


@pytest.mark.parametrize(
    ("model", "constraint"),
    _constraints(),
    ids=[constraint.name for _model, constraint in _constraints()],
)
def test_each_constraint_has_its_own_sentence_at_one_of_its_fields(model, constraint):
    message = constraint.violation_error_message
    assert isinstance(message, Promise)  # translated when shown, in the reader's language
    assert message != constraint.default_violation_error_message
    with translation.override("en"):
        english = constraint.get_violation_error_message()
        assert english == str(message)
    with translation.override("id"):
        indonesian = constraint.get_violation_error_message()
    assert indonesian != english  # the catalogue translates it
    for text in (english, indonesian):
        assert constraint.name not in text
        assert text.endswith(".")
    # Said at a field the constraint reads, so a form that checks it has that field.
    field = field_of(constraint)
    assert field != NON_FIELD_ERRORS
    assert field in _fields_read(constraint)
    model._meta.get_field(field)
    assert model.validate_constraints is ConstraintsAtFields.validate_constraints


@pytest.mark.django_db
def test_a_violated_constraint_is_reported_at_its_field():
    data = GovernmentData(
        non_asn_total=100,
        non_asn_covered=101,
        labour_force=10,
        working_age_population=5,
    )
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        data.validate_constraints()
    assert raised.value.message_dict == {
        "labour_force": [
            "The labour force cannot exceed the working-age population (both BPS).",
        ],
        "non_asn_covered": ["Covered non-ASN staff cannot exceed the non-ASN staff total."],
    }
