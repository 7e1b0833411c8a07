"""The answers every API operation may give besides its records, added to the OpenAPI schema in
one place (a drf-spectacular postprocessing hook) instead of on every view."""

ERROR = {
    "type": "object",
    "description": "What went wrong, in words.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def error(description: str, **extra) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        **extra,
    }


THROTTLED = error(
    "Too many requests from this address.",
    headers={
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer"},
        }
    },
)
UNAVAILABLE = error(
    "The database is briefly unreachable.",
    headers={
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer"},
        }
    },
)
MOVED = {
    "description": "The record is known by another key now, or this is not its usual key.",
    "headers": {"Location": {"description": "The record's address.", "schema": {"type": "string"}}},
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result["paths"].values():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            responses = operation["responses"]
            if any(parameter["in"] == "path" for parameter in parameters):
                responses["301"] = MOVED
                responses["404"] = error("No such record, or no such source for passages.")
            if any(parameter["name"] == "page" for parameter in parameters):
                responses["404"] = error("No such page; the detail says which pages there are.")
            responses["400"] = error(
                "A parameter's value cannot be used, or the address holds a NUL character; "
                "the detail says which."
            )
            responses["429"] = THROTTLED
            responses["503"] = UNAVAILABLE
    return result
