"""Sign up, log in and out; the session is kept on the server."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from rush.families.account_tokens import TokenPurpose
from rush.families.accounts import Account, authenticate, create_family_account
from web.account_links import send_link
from web.auth import current_account, session_payload
from web.sessions import rotate_session
from web.state import resources

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
Password = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class SignUp(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    first_name: Name
    last_name: Name
    locale: str = "fr-CA"


class LogIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(max_length=200)]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["account"]

    @post("/signup", status_code=HTTP_201_CREATED)
    async def sign_up(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[SignUp]
    ) -> Account:
        """Create a family account (and its first adult) and sign it in."""
        res = resources(state)
        account = await create_family_account(
            res.services.pool,
            email=data.email,
            password=data.password,
            first_name=data.first_name,
            last_name=data.last_name,
            locale=data.locale if data.locale in ("fr-CA", "en") else "fr-CA",
            needs_approval=res.settings.accounts_need_approval,
        )
        await send_link(res, account.id, TokenPurpose.CONFIRM_EMAIL)
        request.clear_session()
        request.set_session(session_payload(account))
        rotate_session(request)
        return account

    @post("/login", status_code=HTTP_200_OK)
    async def log_in(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[LogIn]
    ) -> Account:
        account = await authenticate(resources(state).services.pool, data.email, data.password)
        request.clear_session()
        request.set_session(session_payload(account))
        rotate_session(request)
        return account

    @post("/logout", status_code=HTTP_200_OK)
    async def log_out(self, request: Request[Any, Any, Any]) -> dict[str, bool]:
        request.clear_session()
        return {"signed_out": True}

    @get("/me")
    async def me(self, request: Request[Any, Any, Any]) -> Account:
        return current_account(request)
