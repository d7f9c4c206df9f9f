from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def rounded(value: Decimal, places: int) -> str:
    """Round half up, then format in the active language (number_format only truncates)."""
    quantum = Decimal(1).scaleb(-places)
    return number_format(value.quantize(quantum, rounding=ROUND_HALF_UP), decimal_pos=places)


@register.filter
def indicator_value(value: Decimal | None, unit: str) -> str:
    """95,36 % / 28,36 per 1.000 / 3 — in the active language's number format."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{rounded(value * 100, 2)} %"
    if unit == "per_1000":
        return rounded(value, 2)
    return rounded(value, 0)
