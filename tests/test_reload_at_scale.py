"""Reloading unchanged fixtures leaves the search index as it is: rebuilding it would read every
record, a million after generate_corpus, each time `make run` starts."""

import pytest
from django.core.management import call_command

from sessions.models import Session
from topics.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_reloading_unchanged_fixtures_leaves_the_index_alone():
    # Written in bulk, which the index does not follow: only a rebuild would show it.
    Session.objects.filter(slug="ccpcj-31-femicide").update(title="Zyzzyva colloquium")
    call_command("load_kb", verbosity=0)
    assert not SearchEntry.objects.filter(title="Zyzzyva colloquium").exists()


def test_an_empty_index_is_rebuilt_even_when_nothing_changed():
    SearchEntry.objects.all().delete()
    call_command("load_kb", verbosity=0)
    sessions = SearchEntry.objects.filter(kind=SearchEntry.Kind.SESSION)
    assert sessions.count() == Session.objects.count()
