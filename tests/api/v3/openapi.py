"""Check API v3 responses against the OpenAPI document the API serves.

``check_response(response)`` finds the operation for the request's path and method,
and validates the JSON body against the schema documented for its status code
(``jsonschema``, formats checked). A status the operation does not document fails,
except Wagtail's generic JSON errors (``ERROR_STATUSES``), checked against ``{"detail"}``.
"""

import json
import re
from functools import lru_cache

from jsonschema import Draft202012Validator

ERROR_STATUSES = {400, 401, 403, 404, 405, 409, 422, 423, 429}
# Wagtail's v3 errors: RFC 7807 problem details.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array"},
    },
}


@lru_cache(maxsize=1)
def document() -> dict:
    from django.core.serializers.json import DjangoJSONEncoder

    from site.api_v3.api import api

    # As served (JSON: status codes are strings).
    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


@lru_cache(maxsize=1)
def _path_patterns():
    patterns = []
    for template in document()["paths"]:
        regex = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        # A literal segment ("find", "preview") beats a parameter: try templates with
        # fewer parameters first.
        patterns.append((template.count("{"), re.compile(f"^{regex}$"), template))
    return sorted(patterns, key=lambda p: (p[0], p[2]))


def operation_for(path: str, method: str) -> dict:
    for _, regex, template in _path_patterns():
        if regex.match(path):
            operations = document()["paths"][template]
            assert method.lower() in operations, f"{method} {template} is not documented"
            return operations[method.lower()]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def schema_for(operation: dict, status: int) -> dict | None:
    documented = operation.get("responses", {}).get(str(status))
    if documented is None:
        assert status in ERROR_STATUSES, (
            f"{operation['operationId']} answered {status}, which it does not document"
        )
        return ERROR_SCHEMA
    content = documented.get("content", {}).get("application/json")
    return content["schema"] if content else None


def validate(schema: dict, data) -> None:
    root = {**schema, "components": document().get("components", {})}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def check_response(response, method="GET"):
    """Validate RESPONSE (a test client response under /api/v3/) against the document."""
    path = response.wsgi_request.path
    operation = operation_for(path, method)
    schema = schema_for(operation, response.status_code)
    if response.status_code in (204, 304) or (schema is None and not response.content):
        return response
    content_type = response["Content-Type"]
    assert content_type.startswith(("application/json", "application/problem+json")), content_type
    if schema is not None:
        validate(schema, response.json())
    return response
