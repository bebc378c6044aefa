"""The OpenAPI document: valid OpenAPI 3.1, made from the code, listing every /api/v1 route;
and the readable page rendered from it."""

import re

from openapi_spec_validator import validate

from venture.api.openapi import openapi_path


def api_routes(app):
    """{(path, method)} of the URL map under /api/v1, in OpenAPI's path syntax."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((openapi_path(rule.rule), method.lower()))
    return found


def test_openapi_document_validates(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert (spec["openapi"], spec["servers"]) == ("3.1.0", [{"url": "/api/v1"}])


def test_openapi_lists_every_api_route(app, api):
    spec = api.get("/api/v1/openapi.json").get_json()
    documented = {
        (spec["servers"][0]["url"] + path, method)
        for path, item in spec["paths"].items()
        for method in item
    }
    assert documented == api_routes(app)
    assert len(documented) == 26


def test_every_operation_documents_its_parameters_and_errors(app, api):
    spec = api.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, op in item.items():
            path_params = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert path_params == names, (path, method)
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}


def test_token_operations_require_the_bearer_scheme(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    security = {
        (path, method): op["security"]
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    assert security[("/applications", "post")] == [{"bearerAuth": []}]
    assert security[("/calls", "get")] == [{}, {"bearerAuth": []}]
    assert spec["paths"]["/applications/{application_id}/screen"]["post"]["x-roles"] == ["staff"]


def test_readable_page_renders_every_operation(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    page = api.get("/api").get_data(as_text=True)
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert [i for i in ids if f'id="{i}"' not in page] == []
    assert [n for n in spec["components"]["schemas"] if f'id="schema-{n}"' not in page] == []
    assert "<script" not in page.split("<footer")[0]
