from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
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


class DistinctCharactersValidator:
    """Refuse a password that is little more than the site's own words, a number or a year,
    or a character repeated ("aaaaaaaaaaaa", "paritrana2026"): what is left once those words,
    digits, spaces and punctuation are taken out must hold `min_distinct` different
    characters. Such passwords pass a length check and are the first an attacker tries."""

    SITE_WORDS = ("paritrana", "bpjamsostek", "bpjs", "ketenagakerjaan", "penghargaan", "award")

    def __init__(self, min_distinct=5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        rest = password.casefold()
        for word in self.SITE_WORDS:
            rest = rest.replace(word, "")
        letters = {c for c in rest if c.isalpha()}
        if len(letters) < self.min_distinct:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_plain",
                params={"min_distinct": self.min_distinct},
            )

    def get_error_message(self):
        return _(
            "This password is little more than the award's name, a number or a repeated "
            "character. Use words of your own (at least %(min_distinct)d different letters "
            "besides those)."
        ) % {"min_distinct": self.min_distinct}

    def get_help_text(self):
        return _("Your password cannot be just the award's name, a number or a repeated character.")
