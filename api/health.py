"""GET /health: 200 only when the engine has its model, the knowledge index is loaded and the
database answers; 503 naming the failing parts otherwise (readiness: send this instance buyers).
GET /health/live: 200 while the process serves requests, whatever the engine or the database
do (liveness: an orchestrator restarts an instance that fails it, which would not help when the
engine is down)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import ServicesDep

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    """The readiness answer, the same body with 200 and 503."""

    status: Literal["ok", "unavailable"]
    engine: Literal["ok", "down"]
    knowledge: Literal["ok", "not loaded"]
    database: Literal["ok", "down"]
    knowledge_chunks: int | None = Field(
        default=None, description="the knowledge index's chunks; absent when it is not loaded"
    )
    failing: list[str] | None = Field(
        default=None, description="the failing parts, in words; absent when none fails"
    )


async def _database(services: Any) -> str | None:
    try:
        await asyncio.wait_for(services.db.ping(), timeout=3)
    except Exception as exc:
        return f"database: {type(exc).__name__}"
    return None


async def _engine(services: Any) -> str | None:
    if await services.engine.model_loaded():
        return None
    return "engine: down, no model loaded or its conversation store not answering"


@router.get(
    "/health",
    response_model=HealthOut,
    response_model_exclude_none=True,
    responses={
        200: {"description": "ready: the engine, the knowledge index and the database answer"},
        503: {"model": HealthOut, "description": "not ready; `failing` names the parts"},
    },
)
async def health(services: ServicesDep) -> JSONResponse:
    db_error, engine_error = await asyncio.gather(_database(services), _engine(services))
    kb_error = (
        None if services.kb is not None else f"knowledge: {services.kb_error or 'not loaded'}"
    )
    failing = [e for e in (engine_error, kb_error, db_error) if e]
    body: dict[str, Any] = {
        "status": "ok" if not failing else "unavailable",
        "engine": "ok" if not engine_error else "down",
        "knowledge": "ok" if not kb_error else "not loaded",
        "database": "ok" if not db_error else "down",
    }
    if services.kb is not None:
        body["knowledge_chunks"] = services.kb.chunk_count
    if failing:
        body["failing"] = failing
    return JSONResponse(body, status_code=200 if not failing else 503)


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}
