"""The OpenAPI 3.1 document, made from the route registry (venture/api/registry.py)."""

import re

from flask_babel import gettext as _

from venture.api.registry import MAX_ID
from venture.api.schemas import COMPONENTS, ref

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
_RULE_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
TAG_ORDER = (
    "account",
    "calls",
    "organizations",
    "applications",
    "review",
    "awards",
    "contracts",
    "payments",
    "announcements",
    "open data",
    "documentation",
)


def openapi_path(rule):
    """/calls/<int:call_id> → /calls/{call_id}"""
    return _RULE_ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_parameters(op):
    parameters = []
    for converter, name in _RULE_ARGUMENT.findall(op.rule):
        schema = (
            {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if converter == "int"
            else {"type": "string"}
        )
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": str(op.path_params.get(name, _("The record's id."))),
                "schema": schema,
            }
        )
    return parameters


def _success_schema(op):
    if op.response is None:
        return None
    if not op.paged:
        return ref(op.response)
    if op.response == "OcdsReleasePackage":
        return ref(op.response)
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": ref(op.response)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
    }


def _operation(op):
    description = str(op.description)
    if op.needs_token:
        roles = ", ".join(str(r) for r in op.roles)
        needs = (
            _("Needs a token of an account with one of the roles: %(roles)s.", roles=roles)
            if roles
            else _("Needs a token.")
        )
        description = f"{description}\n\n{needs}".strip()
    if op.media != "application/json":
        content = {op.media: {"schema": {"type": "string", "format": "binary"}}}
    else:
        content = {op.media: {"schema": _success_schema(op)}}
    data = {
        "operationId": op.endpoint,
        "summary": str(op.summary),
        "description": description,
        "tags": [op.tag],
        "parameters": _path_parameters(op)
        + [
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": str(p.description),
                "schema": p.schema(),
            }
            for p in op.query
        ],
        # public operations take a token too, and then show what the account may see
        "security": [{"bearerAuth": []}] if op.needs_token else [{}, {"bearerAuth": []}],
        "responses": {
            str(op.status): {"description": str(op.summary), "content": content},
            "default": {"$ref": "#/components/responses/Error"},
        },
    }
    if op.needs_token and op.roles:
        data["x-roles"] = [str(r) for r in op.roles]
    if op.body is not None:
        data["requestBody"] = {
            "required": True,
            "content": {op.body_media: {"schema": ref(op.body_name)}},
        }
    return data


def document(api):
    """The OpenAPI document of api, in the reader's language."""
    paths = {}
    for op in api.operations:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": _("Venture API"),
            "version": API_VERSION,
            "description": _(
                "The platform's data for integrations (such as the city's government service "
                "portal) and open data. Lists take page and per_page (at most 100); errors are "
                "JSON with a stable code and a message."
            ),
        },
        "servers": [{"url": api.prefix}],
        "tags": [{"name": name} for name in TAG_ORDER],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": _(
                        "A personal API token, made on your profile's API tokens page; it acts "
                        "with exactly your account's rights."
                    ),
                }
            },
            "responses": {
                "Error": {
                    "description": _("An error: a stable code and a message."),
                    "content": {"application/json": {"schema": ref("Error")}},
                }
            },
        },
    }
