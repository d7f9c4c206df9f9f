from django.db.models import QuerySet

from .models import ApiToken


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The person's API tokens, newest first (revoked and expired ones included, marked)."""
    return ApiToken.objects.filter(user_id=user.pk).select_related("edition")
