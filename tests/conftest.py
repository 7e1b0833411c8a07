import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from ccpcj_kb.pagecache import invalidate
from sessions.roles import EDITORS, NGO_STAFF


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the shipped knowledge base."""
    with django_db_blocker.unblock():
        call_command("load_kb", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Accounts in tests need no slow, secure hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def private_cache_directory(tmp_path_factory):
    """The file-based cache of a test run is its own, never a running site's or another run's."""
    caches = settings.CACHES
    if caches["default"]["BACKEND"].endswith("FileBasedCache"):
        location = str(tmp_path_factory.mktemp("cache"))
        caches = {"default": {**caches["default"], "LOCATION": location}}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def empty_page_cache():
    """No test reads a page another test stored (its database was rolled back since)."""
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        cache.clear()
    else:  # a shared server: leave other keys alone
        invalidate()


@pytest.fixture
def fixtures_dir():
    return settings.KB_FIXTURES_DIR


# One cast of people, reused by every test that signs in:
# - ngo_staff (amina) and other_staff (bruno) tag sessions and annotate them; each reads the
#   shared annotations and their own private ones, and changes only what they wrote or tagged;
# - editor (chen) works in the admin, reads shared annotations, never another's private ones;
# - no_group_user (dana) has an account but no role: reads what visitors read, and only that.
@pytest.fixture
def ngo_staff(db):
    from tests.factories import make_user

    return make_user("amina", group=NGO_STAFF)


@pytest.fixture
def other_staff(db):
    from tests.factories import make_user

    return make_user("bruno", group=NGO_STAFF)


@pytest.fixture
def editor(db):
    from tests.factories import make_user

    return make_user("chen", group=EDITORS, is_staff=True)


@pytest.fixture
def no_group_user(db):
    from tests.factories import make_user

    return make_user("dana")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-1")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def scaled_kb(db):
    """The shipped knowledge base multiplied ten times, to show pages stay constant-query."""
    from tests.factories import multiply_knowledge_base
    from topics.search.indexing import deferred

    with deferred():  # the copies are written in bulk, then indexed at once
        multiply_knowledge_base(10)
