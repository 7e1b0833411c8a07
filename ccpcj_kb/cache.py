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
CACHE_MAX_ENTRIES.

An entry is written over in place, holding the file's lock, and read holding it too, rather than
written to a new file renamed over the old one as Django does: on ext4, renaming over a file
waits for the new one to reach the disk, and a write took 0.19 ms that way against 0.02 in
place. The API's rate limit writes on every request. A write cut short leaves an entry that
cannot be read: a miss, as above. A file not yet written (an empty one) is a miss too, left for
its writer."""

import io
import os
import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

CULL_SECONDS = 1.0
MISSING = object()


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
                locks.lock(file, locks.LOCK_SH)
                try:
                    stored = io.BytesIO(file.read())
                finally:
                    locks.unlock(file)
        except FileNotFoundError:
            return default
        if not stored.getbuffer().nbytes:
            return default
        try:
            expires = pickle.load(stored)
            if expires is None or expires >= time.time():
                return pickle.load(stored)
        except (pickle.UnpicklingError, EOFError):
            pass
        # Expired or unreadable: gone, so that add() can store the key again.
        self._delete(path)
        return default

    def has_key(self, key, version=None):
        # As get() reads it: Django's own check removes a file its writer has not yet filled.
        return self.get(key, MISSING, version) is not MISSING

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        path = self._key_to_file(key, version)
        self._cull()
        with open(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as file:
            locks.lock(file, locks.LOCK_EX)
            try:
                self._write_content(file, timeout, value)
                file.truncate()
                file.flush()
            finally:
                locks.unlock(file)

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
