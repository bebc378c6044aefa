"""The API's route registry: each operation is declared once, with its access, query
parameters, request body schema and response schema. The declaration registers the Flask
route, enforces access, parses and checks the input, and is what the OpenAPI document is made
from (venture/api/openapi.py), so the document cannot drift from the code."""

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from venture.api.errors import ApiError
from venture.core import timeutil
from venture.core.integers import ID_MAX, InvalidInteger, parse_int

PUBLIC = ("public",)
TOKEN = "token"
MAX_ID = ID_MAX  # the largest id the database columns hold
MAX_BODY = 1024 * 1024  # a JSON body larger than this is refused (413)
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class Param:
    """A query parameter: its type, limits and meaning; parse() reads it or refuses (400)."""

    name: str
    kind: str  # integer, string, date, boolean
    description: object = ""
    enum: tuple | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: object = None
    max_length: int = 100

    def schema(self):
        if self.kind == "integer":
            schema = {"type": "integer"}
            schema["minimum"] = self.minimum if self.minimum is not None else 1
            schema["maximum"] = self.maximum if self.maximum is not None else MAX_ID
        elif self.kind == "date":
            schema = {"type": "string", "format": "date"}
        elif self.kind == "boolean":
            schema = {"type": "boolean"}
        elif self.enum:
            schema = {"type": "string", "enum": list(self.enum)}
        else:
            schema = {"type": "string", "maxLength": self.max_length}
        if self.default is not None:
            schema["default"] = self.default
        return schema

    def parse(self, raw):
        if raw is None or raw == "":
            return self.default
        if self.kind == "integer":
            low = self.minimum if self.minimum is not None else 1
            high = self.maximum if self.maximum is not None else MAX_ID
            try:
                return parse_int(raw, low=low, high=high)
            except InvalidInteger as error:
                raise self._refused(str(error)) from None
        if self.kind == "date":
            try:
                day = date.fromisoformat(raw.strip())
            except ValueError:
                day = None
            # far dates would overflow when turned into Beijing-time bounds
            if day is None or not 1900 <= day.year <= 2999:
                raise self._refused(_("Give a date in the form 2026-03-01.")) from None
            return day
        if self.kind == "boolean":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise self._refused(_("Give true or false."))
            return raw.lower() in ("true", "1")
        if self.enum and raw not in self.enum:
            raise self._refused(_("Give one of: %(values)s.", values=", ".join(self.enum)))
        if len(raw) > self.max_length:
            raise self._refused(
                _("This is too long (at most %(max)d characters).", max=self.max_length)
            )
        return raw

    def _refused(self, detail):
        return ApiError(
            400,
            "invalid_parameter",
            _("The parameter “%(name)s” is not valid. %(detail)s", name=self.name, detail=detail),
            parameter=self.name,
        )


PAGE = Param(
    "page", "integer", _l("The page to return, from 1."), minimum=1, maximum=100_000, default=1
)
PER_PAGE = Param(
    "per_page",
    "integer",
    _l("How many items a page holds (at most 100)."),
    minimum=1,
    maximum=MAX_PER_PAGE,
    default=DEFAULT_PER_PAGE,
)


@dataclass
class Operation:
    """One documented API operation."""

    endpoint: str
    rule: str  # relative to the API's prefix, in Flask's syntax
    method: str
    summary: object
    tag: str
    access: tuple  # PUBLIC, or ("token", *roles): any token when no role is named
    description: object = ""
    query: tuple = ()
    body: dict | None = None
    body_name: str | None = None
    body_media: str = "application/json"
    response: str | None = None  # a component schema name
    paged: bool = False
    status: int = 200
    media: str = "application/json"
    path_params: dict = field(default_factory=dict)  # name -> description

    @property
    def needs_token(self):
        return self.access[0] == TOKEN

    @property
    def roles(self):
        return self.access[1:] if self.needs_token else ()


class Api:
    """Collects the operations of one API version registered on its blueprint."""

    def __init__(self, blueprint, prefix):
        self.blueprint = blueprint
        self.prefix = prefix
        self.operations = []

    def operation(
        self,
        rule,
        method="GET",
        *,
        access=PUBLIC,
        query=(),
        paged=False,
        path_params=None,
        **fields,
    ):
        """Declare and register an operation; the view gets path values, then `args` (the
        parsed query) when query parameters are declared, and `body` when a body is. The other
        keywords are Operation's fields (`summary` and `tag` always, then as needed)."""

        def decorator(view):
            params = tuple(query) + ((PAGE, PER_PAGE) if paged else ())
            op = Operation(
                endpoint=view.__name__,
                rule=rule,
                method=method,
                access=tuple(access),
                path_params=path_params or {},
                query=params,
                paged=paged,
                **fields,
            )

            @wraps(view)
            def wrapper(**kwargs):
                _check_access(op)
                for value in kwargs.values():
                    # ids beyond the columns' range exist nowhere (and would overflow a query)
                    if isinstance(value, int) and value > MAX_ID:
                        raise ApiError(404, "not_found", not_found_message())
                if params:
                    kwargs["args"] = {p.name: p.parse(request.args.get(p.name)) for p in params}
                if op.body is not None and op.body_media == "application/json":
                    kwargs["body"] = read_body(op.body)
                elif op.body is not None and request.mimetype != op.body_media:
                    raise ApiError(
                        415,
                        "unsupported_media_type",
                        _("Send the request body as %(media)s.", media=op.body_media),
                    )
                return view(**kwargs)

            wrapper.access = op.access
            wrapper.operation = op
            self.blueprint.add_url_rule(rule, view.__name__, wrapper, methods=[method])
            self.operations.append(op)
            return wrapper

        return decorator


def not_found_message():
    return _("This page does not exist or is not visible to you.")


def _check_access(op):
    if not op.needs_token:
        return
    if not current_user.is_authenticated:
        raise ApiError(
            401,
            "token_required",
            _("This needs an API token: send it as “Authorization: Bearer <token>”."),
        )
    if op.roles and not current_user.has_any_role(*op.roles):
        raise ApiError(403, "forbidden", _("Your account does not have the right to do this."))


def _refuse_constant(name):
    raise ValueError(name)


def _check_strings(value, path=""):
    """Every string encodable as UTF-8 and free of NUL (no database column takes them)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "/"
        return path or "/" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        bad = _check_strings(key, path) if isinstance(key, str) else None
        bad = bad or _check_strings(item, f"{path}/{key}")
        if bad:
            return bad
    return None


def read_body(schema):
    """The request's JSON body checked against schema; numbers with a fraction are Decimal."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(413, "too_large", _("The request body is larger than 1 MB."))
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            _("Send the request body as JSON, with “Content-Type: application/json”."),
        )
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise ApiError(413, "too_large", _("The request body is larger than 1 MB."))
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", _("The request body is not valid JSON.")) from None
    bad = _check_strings(data)
    if bad:
        raise ApiError(
            422,
            "invalid_body",
            _("The text at %(path)s contains characters that cannot be stored.", path=bad),
            field=bad,
        )
    error = best_match(Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise ApiError(
            422,
            "invalid_body",
            _(
                "The request body is not valid at %(path)s: %(detail)s",
                path=where,
                detail=error.message,
            ),
            field=where,
        )
    return data


def parse_moment(text):
    """An ISO 8601 date-time as aware UTC; one without an offset is Beijing time."""
    try:
        moment = datetime.fromisoformat(text)
        if not 1900 <= moment.year <= 2999:
            return None
        if moment.tzinfo is None:
            return timeutil.from_local(moment)
        return moment.astimezone(UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def page_count(total, per_page):
    return max(1, math.ceil(total / per_page))
