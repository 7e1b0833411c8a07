from django.core.paginator import InvalidPage, PageNotAnInteger
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from .errors import BadQuery


class PageNumbers(PageNumberPagination):
    """Twenty records a page (``page_size`` up to 100), with the total count and the
    addresses of the next and previous pages."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(
            in_stable_order(queryset), self.get_page_size(request)
        )
        number = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = paginator.page(number)
        except PageNotAnInteger:
            raise BadQuery(f"“{str(number)[:20]}” is not a page number.") from None
        except InvalidPage:
            raise NotFound(
                f"There is no page {str(number)[:20]}: pages run from 1 to {paginator.num_pages}."
            ) from None
        return list(self.page)


def in_stable_order(queryset):
    """``queryset`` with records that sort alike ordered by id, so pages never overlap."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by(*ordering, "pk")
