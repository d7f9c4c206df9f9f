"""Database constraints that speak to people (issue 25, item 12).

Every CheckConstraint and UniqueConstraint of the models is built here: with a sentence a user
understands (its `violation_error_message`, translated; never Django's "Constraint “name” is
violated.") and the field that sentence belongs at. A model with `ConstraintsAtFields` among its
bases reports each violated constraint at that field, once, so a ModelForm (the branch's
figures, the admin), a service's `full_clean` and the API's error body built from it all show
the sentence next to the field concerned rather than at the top of the form.

A constraint is checked by a form only when every field it reads is in the form and valid
(Django skips it otherwise), so its field, one of those it reads, is always on the form that
reports it. tests/test_constraints.py walks every constraint of every model.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router

# Each constraint's field, by the constraint's name (unique in the database). Not kept on the
# constraint object: a model's Meta holds clones of its constraints, made from what they
# deconstruct to, and migrations neither see nor need it.
_FIELDS: dict[str, str] = {}


def _at(field: str, constraint: models.BaseConstraint) -> models.BaseConstraint:
    if _FIELDS.setdefault(constraint.name, field) != field:
        raise ValueError(f"Two constraints are named {constraint.name}.")
    return constraint


def check(field: str, message, *, condition, name: str) -> models.CheckConstraint:
    """A CheckConstraint whose violation says `message` at `field`."""
    return _at(
        field,
        models.CheckConstraint(condition=condition, name=name, violation_error_message=message),
    )


def unique(field: str, message, *, fields, name: str, condition=None) -> models.UniqueConstraint:
    """A UniqueConstraint (partial with `condition`) whose violation says `message` at `field`."""
    return _at(
        field,
        models.UniqueConstraint(
            fields=fields, condition=condition, name=name, violation_error_message=message
        ),
    )


def field_of(constraint: models.BaseConstraint) -> str:
    """The field a constraint's violation is reported at."""
    return _FIELDS.get(constraint.name, NON_FIELD_ERRORS)


class ConstraintsAtFields:
    """Model mixin: `validate_constraints` reports each violated constraint's own sentence at its
    field (Django puts all but single-field unique ones at the top of the form)."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors.setdefault(field_of(constraint), []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
