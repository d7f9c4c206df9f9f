from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Refuse passwords longer than `max_length` characters.

    Long passphrases are welcome (the limit is generous); the cap only keeps a megabyte-long
    "password" from being compared against the user's attributes and hashed at every try.
    """

    def __init__(self, max_length=1000):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_error_message(self):
        return ngettext(
            "This password is too long. It may have at most %(max_length)d character.",
            "This password is too long. It may have at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}

    def get_help_text(self):
        return ngettext(
            "Your password may have at most %(max_length)d character.",
            "Your password may have at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}
