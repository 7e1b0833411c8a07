"""The embedded default cache: Django's file-based cache, which any process on the machine
shares, without its compression.

Every visit to a stored page reads it whole, and decompressing a page of 90 kB took a third of
the time of serving it. The cache holds few entries (CACHE_MAX_ENTRIES), so the disk they take
uncompressed stays small. An entry it cannot read (one an earlier version wrote compressed) is
a miss, and is removed.

Django's backend lists every file in the directory on each write, to cull some once there are
too many: with a thousand pages stored, listing them took five times as long as the write itself
(1.7 ms against 0.3), and the API's rate limit writes on every request. Each process looks at
most once a second, so the directory may hold a second's worth of writes more than
CACHE_MAX_ENTRIES."""

import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

CULL_SECONDS = 1.0


class UncompressedFileBasedCache(FileBasedCache):
    culled_at = -CULL_SECONDS

    def _cull(self):
        now = time.monotonic()
        if now - self.culled_at >= CULL_SECONDS:
            self.culled_at = now
            super()._cull()

    def get(self, key, default=None, version=None):
        path = self._key_to_file(key, version)
        try:
            with open(path, "rb") as file:
                if not self._is_expired(file):
                    return pickle.loads(file.read())
        except FileNotFoundError:
            pass
        except pickle.UnpicklingError:
            # Gone, so that add() can store the key again.
            self._delete(path)
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as file:
                locks.lock(file, locks.LOCK_EX)
                try:
                    if self._is_expired(file):
                        return False
                    try:
                        value = pickle.loads(file.read())
                    except pickle.UnpicklingError:
                        return False
                    file.seek(0)
                    self._write_content(file, timeout, value)
                    file.truncate()
                    return True
                finally:
                    locks.unlock(file)
        except FileNotFoundError:
            return False
