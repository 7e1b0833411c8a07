from rest_framework.exceptions import APIException


class BadQuery(APIException):
    """A query parameter with a value the API cannot use; the message says why."""

    status_code = 400
    default_detail = "A query parameter has a value that cannot be used."
    default_code = "bad_query"
