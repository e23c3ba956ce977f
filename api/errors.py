"""The API's errors: one body, ``{"detail": "..."}``, for every 4xx and 5xx, and its OpenAPI
description (routes list the statuses they can answer with ``error_responses``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ErrorOut(BaseModel):
    """Every error the API answers with."""

    detail: str = Field(description="what went wrong, in words")


DESCRIPTIONS: dict[int, str] = {
    401: "missing or wrong bearer token",
    403: "forbidden",
    404: "not found",
    409: "conflicts with the record's current state",
    413: "request body or text over the limit",
    422: "malformed request",
    429: "too many requests; wait a moment",
    503: "a service the answer needs is down",
}

# FastAPI's answer when a body cannot be read as JSON for another reason than its syntax
# (invalid UTF-8, say): a malformed request, 422 like every other.
_FASTAPI_BODY_ERROR = "There was an error parsing the body"

# The order database unreachable (down, restarting, the connection lost mid-request): a 503
# the client retries after this long, not a 500. What was committed before stays (a buyer
# message stored before the failure is answered by the replay, or by the same message again).
DATABASE_DOWN = "the order database is unavailable at the moment; please try again shortly"
DATABASE_RETRY_AFTER_S = 5


def error_responses(
    *codes: int, descriptions: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each with the ErrorOut body
    (``descriptions`` says more than the default words for some of them)."""
    descriptions = descriptions or {}
    return {
        code: {"model": ErrorOut, "description": descriptions.get(code, DESCRIPTIONS[code])}
        for code in sorted({*codes, *descriptions})
    }


def _can_fail_validation(operation: dict[str, Any]) -> bool:
    """Whether a request can be malformed: a body, or a parameter that is more than any text."""
    if "requestBody" in operation:
        return True
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        for variant in schema.get("anyOf", [schema]):
            constraints = set(variant) - {"title", "description", "type"}
            if variant.get("type") not in ("string", "null") or constraints:
                return True
    return False


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document, with its own 422 ({"detail": [...]}, which this app never answers)
    replaced by ErrorOut, or dropped where no request can be malformed."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        ours = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                fastapi_422 = responses.get("422", {})
                if "HTTPValidationError" not in str(fastapi_422):
                    continue
                if _can_fail_validation(operation):
                    responses["422"] = {
                        "description": DESCRIPTIONS[422],
                        "content": {"application/json": {"schema": ours}},
                    }
                else:
                    del responses["422"]
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
        app.openapi_schema = spec
        return spec

    return openapi


def readable(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts) or "malformed request"


def install(app: FastAPI) -> None:
    """Every HTTP error and every validation error as ``{"detail": "..."}``, and so in the
    OpenAPI document."""
    app.openapi = _openapi(app)  # type: ignore[method-assign]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_ERROR:
            cause = exc.__cause__
            # an HTTPException raised while the body was read (the size guard's 413), wrapped
            # by a task group on the way: answered as it is
            while isinstance(cause, BaseExceptionGroup) and len(cause.exceptions) == 1:
                cause = cause.exceptions[0]
            if isinstance(cause, StarletteHTTPException):
                return await http_error(_, cause)
            detail = (
                "the body is not valid UTF-8 JSON"
                if isinstance(cause, UnicodeDecodeError)
                else "the body could not be read as JSON"
            )
            return JSONResponse({"detail": detail}, status_code=422)
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_down(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        log.warning(
            "order database unavailable",
            extra={"reason": type(exc.orig).__name__, "invalidated": exc.connection_invalidated},
        )
        return JSONResponse(
            {"detail": DATABASE_DOWN},
            status_code=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": readable(exc)}, status_code=422)
