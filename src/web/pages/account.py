"""Account pages: create an account, log in, log out (forms with CSRF, server-side session).

Sign-up answers "check your email" whether or not the address has an account (`web.sign_up`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from rush.db import query
from rush.errors import RushError
from rush.families.account_attempts import AccountDoor, count_account_attempt
from rush.families.account_tokens import TokenPurpose, use_token
from rush.families.accounts import confirm_email, set_password
from rush.i18n import error_message
from web.account_links import send_link
from web.auth import session_payload
from web.locale import request_locale
from web.log_in import log_in_account
from web.pages.render import page
from web.sessions import end_account_sessions, rotate_session
from web.sign_up import sign_up_family
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
            await sign_up_family(
                resources(state),
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
                status_code=exc.status,
            )
        return page(request, "pages/message.html", title="check_your_email", error=None)

    @get("/confirm-email")
    async def confirm(
        self, request: Request[Any, Any, Any], state: State, token: FromQuery[str] = ""
    ) -> Template:
        """The emailed link: works once, then the address is confirmed."""
        pool = resources(state).services.pool
        try:
            await confirm_email(pool, await use_token(pool, token, TokenPurpose.CONFIRM_EMAIL))
        except RushError as exc:
            return page(
                request,
                "pages/message.html",
                status_code=400,
                title=None,
                error=error_message(exc.code, request_locale(request)),
            )
        return page(request, "pages/message.html", title="email_confirmed", error=None)

    @get("/password/forgot")
    async def forgot_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "pages/forgot.html", sent=False, error=None)

    @post("/password/forgot")
    async def forgot(self, request: Request[Any, Any, Any], state: State, data: Form) -> Template:
        """Always the same answer, so the page never tells whether an email has an account."""
        res = resources(state)
        email = data.get("email", "").strip()
        try:
            await count_account_attempt(res.services.jobs_redis, AccountDoor.RESET_PASSWORD, email)
        except RushError as exc:
            error = error_message(exc.code, request_locale(request))
            return page(
                request, "pages/forgot.html", sent=False, error=error, status_code=exc.status
            )
        account_id = await res.services.pool.fetchval(query("account_id_by_email"), email)
        if account_id is not None:
            await send_link(res, account_id, TokenPurpose.RESET_PASSWORD)
        return page(request, "pages/forgot.html", sent=True, error=None)

    @get("/password/reset")
    async def reset_form(
        self, request: Request[Any, Any, Any], token: FromQuery[str] = ""
    ) -> Template:
        return page(request, "pages/reset.html", token=token, error=None)

    @post("/password/reset")
    async def reset(
        self, request: Request[Any, Any, Any], state: State, data: Form
    ) -> Template | Redirect:
        pool = resources(state).services.pool
        locale = request_locale(request)
        token, password = data.get("token", ""), data.get("password", "")
        if len(password) < _MIN_PASSWORD:
            return page(
                request,
                "pages/reset.html",
                status_code=400,
                token=token,
                error=error_message("validation_failed", locale),
            )
        try:
            account_id = await use_token(pool, token, TokenPurpose.RESET_PASSWORD)
        except RushError as exc:
            return page(
                request,
                "pages/reset.html",
                status_code=400,
                token="",
                error=error_message(exc.code, locale),
            )
        await set_password(pool, account_id, password)
        await end_account_sessions(request, account_id)
        request.clear_session()
        return Redirect("/login")

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "pages/login.html", form={}, error=None)

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], state: State, data: Form
    ) -> Template | Redirect:
        email = data.get("email", "").strip()
        try:
            account = await log_in_account(
                resources(state).services, email, data.get("password", "")
            )
        except RushError as exc:
            error = error_message(exc.code, request_locale(request))
            return page(
                request,
                "pages/login.html",
                form={"email": email},
                error=error,
                status_code=exc.status,
            )
        _sign_in(request, session_payload(account))
        return Redirect("/family" if account.role == "family" else "/ops")

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/")


def _sign_in(request: Request[Any, Any, Any], payload: dict[str, Any]) -> None:
    request.clear_session()
    request.set_session(payload)
    rotate_session(request)
