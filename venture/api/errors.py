"""JSON errors of the API: one shape, {"error": {"code", "message", …}}, with stable codes."""

from flask import jsonify

# the code of each HTTP status when nothing more specific applies
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An API refusal: HTTP status, a stable machine code and a message for a person.

    extra keys (fields, problems, parameter) are added to the error object as they are.
    """

    def __init__(self, status, code, message, **extra):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = str(message)
        self.extra = extra


def error_body(status, message, code=None, **extra):
    """The JSON response of an error (used by the app-wide handlers for /api/ paths too)."""
    error = {"code": code or STATUS_CODES.get(status, f"http_{status}"), "message": str(message)}
    error.update(extra)
    response = jsonify({"error": error})
    response.status_code = status
    return response


def api_error_response(error):
    response = error_body(error.status, error.message, error.code, **error.extra)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="venture"'
    return response
