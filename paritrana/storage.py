"""The media storage: Django's file-system storage, except that a write that fails (a full disk,
a quota, a file-size limit) leaves no truncated or empty file behind. Django's FileSystemStorage
creates the file, writes it piece by piece and closes it, and on an error mid-write leaves what
was written: a partial PDF or spreadsheet under MEDIA_ROOT that no record names, or, when the
record's transaction is retried, beside the good one.

Every file the application writes goes through the default storage: a legal product's document
and an import's file (a model's FileField, saved with its record), an import's checked rows, a
certificate's PDF. The record is saved after its file (FileField.pre_save) and in the service's
transaction, so a failed write leaves the database unchanged too; the request is answered by
paritrana.middleware.StorageFullMiddleware."""

import errno
import os

from django.core.files.storage import FileSystemStorage

# The errors of a device or a quota out of room, or of a file larger than the process may write.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_storage_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in STORAGE_FULL_ERRNOS


class MediaStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError:
            # Django names the file it creates exclusively (O_EXCL) after `name`, or after a new
            # available name if `name` was taken meanwhile; the file that was not there before is
            # the one this write left.
            if not existed and os.path.lexists(path):
                os.remove(path)
            raise
