import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the shipped knowledge base."""
    with django_db_blocker.unblock():
        call_command("load_kb", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Accounts in tests need no slow, secure hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fixtures_dir():
    return settings.KB_FIXTURES_DIR


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

    multiply_knowledge_base(10)
