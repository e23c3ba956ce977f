"""The Rasa action webhook, served in the app so actions share its database pool and
knowledge index. Calls must carry ``Authorization: Bearer <ACTION_SERVER_TOKEN>``."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from api.deps import ServicesDep, bearer_token, token_matches
from api.logs import session_id_var

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def build_executor() -> ActionExecutor:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


@router.post("/webhook")
async def webhook(request: Request, services: ServicesDep) -> Any:
    expected = services.settings.action_server_token.get_secret_value()
    if not token_matches(bearer_token(request), [expected]):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong action server token")
    try:
        action_call = await request.json()
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "body is not JSON") from None
    if not isinstance(action_call, dict):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "body must be a JSON object")
    session_id_var.set(action_call.get("sender_id"))
    executor: ActionExecutor = request.app.state.executor
    try:
        result = await executor.run(action_call)
    except ActionExecutionRejection as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 400)
    except ActionNotFoundException as exc:
        log.error("unknown action", extra={"action": exc.action_name})
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 404)
    log.info("action ran", extra={"action": action_call.get("next_action")})
    return result.model_dump() if result else None
