"""The OpenAPI document, adjusted for the clients generated from it.

FastAPI's document is rewritten in a few ways, each for a reader of openapi.yaml:
- errors are documented as the problem+json they are sent as, each with its example;
- every response declares the headers it carries (X-Request-Id, the rate-limit pair);
- request schemas keep the plain names (DeclineRequest), their response twins get `Output`;
- response schemas are open: they may gain fields, and their enums accept more values
  (`anyOf: [the enum, string]`), because the taxonomy, guidance codes and event types grow
  and a client generated today must not fail on a value added later; requests still accept
  only the listed values;
- a default beside a `$ref` is moved beside an `allOf` holding it, where generators see it;
- the plain-text rule is a named format with a sentence, not a regular expression.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.examples import problem_example
from app.text import TEXT_PATTERN

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
SCHEMAS = "#/components/schemas/"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
PLAIN_TEXT = "plain-text"
PLAIN_TEXT_RULE = "Plain text: no control characters, and not only spaces."

REQUEST_ID_HEADER = {
    "description": "The request's id: the one it sent (1-128 visible ASCII characters) or a "
    "new one. Also in problem+json as `request_id`, and in the service's log line.",
    "schema": {"type": "string"},
}
RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": 'The key\'s budget, e.g. `"default";q=600;w=60` (when limits are on).',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of it, e.g. `"default";r=599;t=60` (when limits are on).',
        "schema": {"type": "string"},
    },
}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            app.openapi_schema = for_clients(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def for_clients(spec: dict[str, Any]) -> dict[str, Any]:
    _errors_as_problems(spec)
    _declare_headers(spec)
    _name_inputs_and_outputs(spec)
    _open_response_enums(spec)
    for node in _nodes(spec):
        _default_beside_all_of(node)
        _plain_text_format(node)
    return spec


def _errors_as_problems(spec: dict[str, Any]) -> None:
    """FastAPI files error schemas under application/json; ours are sent as problem+json."""
    for operation in _operations(spec):
        responses = operation.get("responses", {})
        if responses.get("422", {}).get("description") == "Validation Error":
            # FastAPI's own, added to any operation with a parameter, even one no value of
            # which is refused (a decline id); a route that can answer 422 declares its own.
            del responses["422"]
        for status, response in responses.items():
            if not status.startswith(("4", "5")):
                continue
            content = response.setdefault("content", {})
            content.pop("application/json", None)
            problem = content.setdefault("application/problem+json", {})
            problem["schema"] = PROBLEM_REF
            problem.setdefault(
                "example", problem_example(int(status), f"{response['description']}.")
            )
    schemas = spec.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)


def _declare_headers(spec: dict[str, Any]) -> None:
    for operation in _operations(spec):
        limited = bool(operation.get("security"))
        for response in operation.get("responses", {}).values():
            headers = response.setdefault("headers", {})
            headers["X-Request-Id"] = REQUEST_ID_HEADER
            if limited:
                headers.update(RATE_LIMIT_HEADERS)


def _name_inputs_and_outputs(spec: dict[str, Any]) -> None:
    """`X-Input` becomes `X` (the name integrators know) and `X-Output` becomes `XOutput`."""
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    renamed = {}
    for name in list(schemas):
        for suffix, replacement in (("-Input", ""), ("-Output", "Output")):
            if name.endswith(suffix):
                new = name.removesuffix(suffix) + replacement
                if new in schemas:
                    raise ValueError(f"OpenAPI: renaming {name} would overwrite {new}")
                renamed[SCHEMAS + name] = SCHEMAS + new
                schemas[new] = schemas.pop(name)
                schemas[new]["title"] = new  # generators name their classes by title
    for node in _nodes(spec):
        if node.get("$ref") in renamed:
            node["$ref"] = renamed[node["$ref"]]
    spec["components"]["schemas"] = dict(sorted(schemas.items()))


def _open_response_enums(spec: dict[str, Any]) -> None:
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    enums = {SCHEMAS + name for name, schema in schemas.items() if "enum" in schema}
    outputs = _reachable(spec, schemas, "responses")
    inputs = _reachable(spec, schemas, "requestBody", "parameters")
    for name in sorted(outputs - {ref.removeprefix(SCHEMAS) for ref in enums}):
        schema = schemas[name]
        if name in inputs and _has_enum(schema, enums):
            # The same schema in a request must stay closed: it needs an Output twin.
            raise ValueError(f"OpenAPI: {name} holds an enum and serves requests and responses")
        for prop in schema.get("properties", {}).values():
            _open(prop, enums)
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]  # responses may gain fields (the contract)


def _open(node: dict[str, Any], enums: set[str]) -> None:
    """Make the enum at `node` (a property, an array's items, an anyOf branch) accept more."""
    if node.get("$ref") in enums:
        node["anyOf"] = [{"$ref": node.pop("$ref")}, {"type": "string"}]
        return
    if "enum" in node:
        closed = {key: node.pop(key) for key in ("type", "enum") if key in node}
        node["anyOf"] = [closed, {"type": closed.get("type", "string")}]
        return
    if isinstance(node.get("items"), dict):
        _open(node["items"], enums)
    for branch in node.get("anyOf", []):
        _open(branch, enums)


def _has_enum(schema: dict[str, Any], enums: set[str]) -> bool:
    return any(node.get("$ref") in enums or "enum" in node for node in _walk(schema))


def _reachable(spec: dict[str, Any], schemas: dict[str, Any], *keys: str) -> set[str]:
    """Names of the component schemas used, directly or not, under these operation keys."""
    found: set[str] = set()
    pending = [
        node
        for operation in _operations(spec)
        for key in keys
        for node in _walk(operation.get(key, {}))
    ]
    while pending:
        node = pending.pop()
        ref = node.get("$ref", "")
        if ref.startswith(SCHEMAS) and (name := ref.removeprefix(SCHEMAS)) not in found:
            found.add(name)
            pending.extend(_walk(schemas[name]))
    return found


def _default_beside_all_of(node: dict[str, Any]) -> None:
    # Siblings of $ref are ignored by many generators (openapi-python-client among them).
    if "$ref" in node and "default" in node:
        node["allOf"] = [{"$ref": node.pop("$ref")}]


def _plain_text_format(node: dict[str, Any]) -> None:
    if node.get("pattern") == TEXT_PATTERN:
        del node["pattern"]
        node["format"] = PLAIN_TEXT
        if "description" in node:
            node["description"] = f"{node['description']} {PLAIN_TEXT_RULE}"
        else:
            node["description"] = PLAIN_TEXT_RULE


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path in spec.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
    ]


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `value`, itself included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _nodes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(_walk(spec))
