from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404


def page_or_404(paginator: Paginator, request):
    """The requested page, or a 404 that says which pages exist."""
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        raise Http404(f"“{str(number)[:20]}” is not a page number.") from None
    except EmptyPage:
        raise Http404(
            f"There is no page {str(number)[:20]}: pages run from 1 to {paginator.num_pages}."
        ) from None


class FriendlyPaginationMixin:
    """ListView pagination whose bad page numbers get page_or_404's messages."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = page_or_404(paginator, self.request)
        return paginator, page, page.object_list, page.has_other_pages()
