import re

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case, upper-case, digits, symbols (等保 "dengbao" profile)."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in self.CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character "
            "(lower case, upper case, digits, symbols).",
            "Your password must mix at least %(n)d kinds of characters "
            "(lower case, upper case, digits, symbols).",
            self.min_classes,
        ) % {"n": self.min_classes}
