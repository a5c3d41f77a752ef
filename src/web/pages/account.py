"""Account pages: create an account, log in, log out (forms with CSRF, server-side session)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from rush.errors import RushError
from rush.families import authenticate, create_family_account
from rush.i18n import error_message
from web.auth import session_payload
from web.locale import request_locale
from web.pages.render import page
from web.sessions import rotate_session
from web.state import resources

__all__ = ["AccountPages"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_MIN_PASSWORD = 10


class AccountPages(Controller):
    include_in_schema = False

    @get("/signup")
    async def signup_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "pages/signup.html", form={}, error=None)

    @post("/signup")
    async def signup(
        self, request: Request[Any, Any, Any], state: State, data: Form
    ) -> Template | Redirect:
        locale = request_locale(request)
        fields = {k: data.get(k, "").strip() for k in ("first_name", "last_name", "email")}
        password = data.get("password", "")
        if not all(fields.values()) or "@" not in fields["email"] or len(password) < _MIN_PASSWORD:
            error = error_message("validation_failed", locale)
            return page(request, "pages/signup.html", form=fields, error=error, status_code=400)
        try:
            account = await create_family_account(
                resources(state).services.pool,
                email=fields["email"],
                password=password,
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                locale=locale,
            )
        except RushError as exc:
            return page(
                request,
                "pages/signup.html",
                form=fields,
                error=error_message(exc.code, locale),
                status_code=409,
            )
        _sign_in(request, session_payload(account))
        return Redirect("/family")

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "pages/login.html", form={}, error=None)

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], state: State, data: Form
    ) -> Template | Redirect:
        email = data.get("email", "").strip()
        try:
            account = await authenticate(
                resources(state).services.pool, email, data.get("password", "")
            )
        except RushError as exc:
            error = error_message(exc.code, request_locale(request))
            return page(
                request, "pages/login.html", form={"email": email}, error=error, status_code=401
            )
        _sign_in(request, session_payload(account))
        return Redirect("/family" if account.role == "family" else "/")

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/")


def _sign_in(request: Request[Any, Any, Any], payload: dict[str, Any]) -> None:
    request.clear_session()
    request.set_session(payload)
    rotate_session(request)
