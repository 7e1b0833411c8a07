from django.core.paginator import InvalidPage, PageNotAnInteger
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from topics.paging import LargeListPaginator

from .errors import BadQuery


class PageNumbers(PageNumberPagination):
    """Twenty records a page (``page_size`` up to 100), with the total count and the
    addresses of the next and previous pages. As on the site's pages, a list of more than
    10,000 records is not counted on every request: ``count`` is then PostgreSQL's estimate,
    and ``count_exact`` is false."""

    django_paginator_class = LargeListPaginator
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

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"] = {
            "count": described["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False when ``count`` is an estimate (lists past 10,000 records).",
            },
            **described["properties"],
        }
        described["required"] = [*described["required"], "count_exact"]
        return described


def in_stable_order(queryset):
    """``queryset`` with records that sort alike ordered by id, so pages never overlap."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by(*ordering, "pk")
