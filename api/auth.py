"""Bearer tokens for the staff REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import ApiError
from referral.casework import StaffUser
from referral.staff import user_for_token

bearer = HTTPBearer(auto_error=False, description="A staff API token from `prottasha users create`")


async def session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session, one transaction per request: the route commits what it changed."""
    async with request.app.state.services.sessionmaker() as s:
        yield s


async def staff(credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                db: AsyncSession = Depends(session)) -> StaffUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError("a bearer token is required", status=401, code="unauthorized")
    user = await user_for_token(db, credentials.credentials)
    if user is None:
        raise ApiError("the token is not valid", status=401, code="unauthorized")
    await db.commit()  # last_used_at
    return user
