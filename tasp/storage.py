"""Private file storage: uploads that no URL reaches by itself (members' resources, subscriber
imports), read only by views or workers that check who may have them."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, which no URL reaches by itself (read at each
    use, so a change of the setting, in tests say, is followed)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None
