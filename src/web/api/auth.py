"""Sign up, log in and out; the session is kept on the server."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from rush.families.accounts import Account
from web.auth import current_account, session_payload
from web.log_in import log_in_account
from web.sessions import rotate_session
from web.sign_up import sign_up_family
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


class SignUpAccepted(msgspec.Struct, frozen=True):
    """The one answer to every sign-up: look in your mailbox, then log in."""

    status: str = "check_your_email"


class LogIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(max_length=200)]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["account"]

    @post("/signup", status_code=HTTP_202_ACCEPTED)
    async def sign_up(self, state: State, data: JSONBody[SignUp]) -> SignUpAccepted:
        """Sign a family up; the same answer whether or not the email already has an account
        (the email sent to it says which), and no one is signed in: log in next."""
        await sign_up_family(
            resources(state),
            email=data.email,
            password=data.password,
            first_name=data.first_name,
            last_name=data.last_name,
            locale=data.locale if data.locale in ("fr-CA", "en") else "fr-CA",
        )
        return SignUpAccepted()

    @post("/login", status_code=HTTP_200_OK)
    async def log_in(
        self, request: Request[Any, Any, Any], state: State, data: JSONBody[LogIn]
    ) -> Account:
        account = await log_in_account(resources(state).services, data.email, data.password)
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
