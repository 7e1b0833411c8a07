"""Old addresses keep working: a page asked for by a record's former slug redirects (301) to
the record's page."""

from django.http import Http404
from django.shortcuts import redirect

from .models import FormerSlug


def redirect_from_former_slug(model, slug: str):
    """A permanent redirect to the record of ``model`` once known as ``slug``; 404 if none."""
    record = FormerSlug.objects.find(model, slug)
    if record is None:
        raise Http404(f"No {model._meta.verbose_name} is known as “{slug}”.")
    return redirect(record, permanent=True)


class FormerSlugRedirectMixin:
    """For a DetailView looked up by slug."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return redirect_from_former_slug(self.get_queryset().model, kwargs[self.slug_url_kwarg])
