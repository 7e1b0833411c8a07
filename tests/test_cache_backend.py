"""The embedded default cache keeps Django's cache behaviour, stores entries uncompressed and
writes them over in place, and takes an entry written compressed by an earlier version, or cut
short, as a miss."""

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from ccpcj_kb import cache as cache_module
from ccpcj_kb.cache import UncompressedFileBasedCache


@pytest.fixture
def cache(tmp_path):
    return UncompressedFileBasedCache(str(tmp_path), {})


def test_values_are_stored_and_read_back(cache):
    page = {"content": b"<p>Femicide</p>" * 1000, "headers": [("ETag", '"abc"')]}
    cache.set("page", page, 60)
    assert cache.get("page") == page
    assert cache.get("missing", "default") == "default"
    assert cache.get_many(["page", "missing"]) == {"page": page}


def test_entries_are_not_compressed(cache, tmp_path):
    cache.set("page", b"Femicide " * 1000, 60)
    (stored,) = (path for path in tmp_path.iterdir() if path.suffix == ".djcache")
    assert stored.read_bytes().count(b"Femicide") == 1000


def test_an_expired_entry_is_gone(cache):
    cache.set("page", "content", -1)
    assert cache.get("page") is None
    assert cache.add("page", "new content", 60)
    assert cache.get("page") == "new content"


def test_add_keeps_an_entry_and_touch_extends_it(cache):
    cache.set("generation", "first", None)
    assert not cache.add("generation", "second", None)
    assert cache.touch("generation", 60)
    assert cache.get("generation") == "first"
    assert not cache.touch("missing", 60)


def test_an_entry_is_written_over_in_place_shorter_or_longer(cache, tmp_path):
    """Written over in place, not renamed over: the same file, holding the newest value."""
    cache.set("page", "Femicide " * 1000, 60)
    (stored,) = tmp_path.glob("*.djcache")
    inode = stored.stat().st_ino
    cache.set("page", "Femicide", 60)
    assert cache.get("page") == "Femicide"
    assert stored.stat().st_ino == inode
    cache.set("page", "Trafficking " * 100, 60)
    assert cache.get("page") == "Trafficking " * 100
    assert stored.stat().st_ino == inode


def test_an_entry_not_yet_written_is_a_miss_left_for_its_writer(cache, tmp_path):
    cache.set("page", "content", 60)
    (stored,) = tmp_path.glob("*.djcache")
    stored.write_bytes(b"")  # created, its writer not yet holding the lock
    assert cache.get("page", "default") == "default"
    assert not cache.has_key("page")
    assert stored.exists()


def test_an_entry_cut_short_is_a_miss_and_removed(cache, tmp_path):
    cache.set("page", "Femicide " * 1000, 60)
    (stored,) = tmp_path.glob("*.djcache")
    stored.write_bytes(stored.read_bytes()[:100])
    assert cache.get("page", "default") == "default"
    assert not stored.exists()
    assert cache.add("page", "stored again", 60)
    assert cache.get("page") == "stored again"


def test_entries_past_the_most_kept_are_culled(tmp_path, monkeypatch):
    """Culling waits a second after the last (time is moved on by hand), never longer."""
    now = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now[0])
    options = {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}
    cache = UncompressedFileBasedCache(str(tmp_path), {"OPTIONS": options})
    for number in range(8):
        cache.set(f"page-{number}", "content", 60)
    assert len(list(tmp_path.iterdir())) == 8  # all written within the same second
    now[0] += 1
    cache.set("one-more", "content", 60)
    assert len(list(tmp_path.iterdir())) == 5  # half of the eight culled, then one written


def test_an_entry_written_compressed_is_a_miss_and_removed(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("generation", "written compressed", None)
    cache = UncompressedFileBasedCache(str(tmp_path), {})
    assert cache.get("generation", "default") == "default"
    assert cache.add("generation", "stored again", None)
    assert cache.get("generation") == "stored again"


@pytest.mark.django_db
def test_the_page_cache_starts_afresh_over_pages_stored_compressed(client, settings, tmp_path):
    """After an upgrade, the pages and generation stored compressed are rendered again."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    assert client.get("/").status_code == 200
    settings.CACHES = {
        "default": {
            "BACKEND": "ccpcj_kb.cache.UncompressedFileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    for _ in range(2):
        assert client.get("/").status_code == 200
