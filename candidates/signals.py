"""Receivers of the candidates app."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Edition
from .selectors import DEMO_DATA_KEY, DEMO_DATA_SECONDS, forget_demo_data_present


def _forget_if_present():
    if cache.get(DEMO_DATA_KEY):
        forget_demo_data_present()  # it may have been the last demo edition


@receiver(post_save, sender=Edition, dispatch_uid="candidates.edition_saved_demo_flag")
def _edition_saved(sender, instance, **kwargs):
    # Whether the site runs on demo data (selectors.demo_data_present), once the change is
    # committed: an ordinary edition saved costs no query of the next page.
    if instance.is_demo:
        transaction.on_commit(lambda: cache.set(DEMO_DATA_KEY, True, DEMO_DATA_SECONDS))
    else:
        transaction.on_commit(_forget_if_present)


@receiver(post_delete, sender=Edition, dispatch_uid="candidates.edition_deleted_demo_flag")
def _edition_deleted(sender, instance, **kwargs):
    if instance.is_demo:
        transaction.on_commit(forget_demo_data_present)
