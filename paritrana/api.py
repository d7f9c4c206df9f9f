from rest_framework.permissions import BasePermission


class DenyAll(BasePermission):
    """The API's default: an API view that does not name its permission is closed to everyone."""

    def has_permission(self, request, view):
        return False
