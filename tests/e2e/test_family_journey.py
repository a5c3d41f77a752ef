"""A parent's whole opening morning in a real browser (Debian's Chromium) on a running
`rush demo`, reached by clicking only: the first URL is `/`, every later page is a link or a
button the parent chose. In French on a phone: sign up, family file with two children, staff
approval, a prepared cart, the waiting room, admission, a declined card then a payment in two
instalments, a forgotten activity added without queueing again, the confirmation email and the
Relevé 24. In English on a desktop, with the keyboard only: join the open sale, register a child,
pay. axe-core checks every page both saw, at phone and desktop sizes.

Screenshots of the main pages land in docs/screens/ (shown in README)."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.browsing import (
    DESKTOP,
    PHONE,
    AccessibilityLog,
    chromium,
    needs_chromium,
    shot,
    tab_to,
    tab_to_text,
    wait_while_the_page_polls,
)
from tests.e2e.live_demo import LiveDemo, confirmation_link, live_demo

PASSWORD = "mot de passe 123"

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[LiveDemo]:
    with live_demo(tmp_path / "demo", accounts_need_approval="true") as running:
        yield running


async def confirm_email(page: Any, demo: LiveDemo, address: str) -> None:
    """The parent opens the link of the email sent at sign-up, then goes back to the file."""
    await page.goto(await confirmation_link(demo, address))
    await page.goto(f"{demo.base_url}/family")


def staff_client(demo: LiveDemo) -> httpx.Client:
    """The recreation service's admin, signed in to the ops API (another person, elsewhere)."""
    client = httpx.Client(base_url=demo.base_url)
    client.get("/api/v1/groups")
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    client.post(
        "/api/v1/auth/login",
        headers=headers,
        json={"email": "admin@rush.local", "password": "rush-demo-admin"},
    ).raise_for_status()
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


async def approve(browser: Any, demo: LiveDemo, family_email: str) -> None:
    """The recreation service's admin approves the family from the approval screen."""
    context = await browser.new_context(viewport=DESKTOP, locale="fr-CA")
    page = await context.new_page()
    await page.goto(f"{demo.base_url}/")
    await click(page, "link", "Se connecter")
    await page.fill("input[name=email]", "admin@rush.local")
    await page.fill("input[name=password]", "rush-demo-admin")
    await page.click("main form button[type=submit]")
    await page.wait_for_url("**/ops")
    await click(page, "link", "Familles")
    row = page.locator("[data-family]", has_text=family_email)
    await row.get_by_role("button", name="Approuver").click()
    await page.locator("#decided [data-family]", has_text=family_email).wait_for()
    await context.close()


async def on_the_cart(page: Any) -> None:
    """The waiting room takes the parent to the cart by itself once admitted."""

    async def arrived() -> bool:
        return page.url.split("?")[0].endswith("/cart")

    await wait_while_the_page_polls(page, arrived)
    await page.wait_for_load_state("load")


async def reads(page: Any, text: str) -> None:
    """The order page, refreshing itself every few seconds, says `text`."""

    async def arrived() -> bool:
        found: bool = await page.evaluate(f"() => document.body.innerText.includes({text!r})")
        return found

    await wait_while_the_page_polls(page, arrived)


async def click(page: Any, role: str, name: str) -> None:
    await page.get_by_role(role, name=name, exact=True).first.click()


async def french_parent_on_a_phone(
    browser: Any, demo: LiveDemo, staff: httpx.Client, a11y: AccessibilityLog
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="fr-CA", accept_downloads=True)
    await context.clock.install()
    page = await context.new_page()
    await page.goto(f"{demo.base_url}/")
    assert "Inscrivez vos enfants" in await page.inner_text("h1")
    await a11y.check(page)
    await shot(page, "01-home")
    await click(page, "link", "Catalogue")
    await a11y.check(page)
    await shot(page, "02-catalogue")

    await click(page, "link", "Créer un compte")
    await a11y.check(page)
    await page.fill("input[name=first_name]", "Julie")
    await page.fill("input[name=last_name]", "Gagnon")
    await page.fill("input[name=email]", "julie.gagnon@example.ca")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("main form button[type=submit]")
    assert "Consultez vos courriels" in await page.inner_text("h1")
    await a11y.check(page)
    await page.locator("main").get_by_role("link", name="Se connecter", exact=True).click()
    await page.wait_for_url("**/login")
    await page.fill("input[name=email]", "julie.gagnon@example.ca")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("main form button[type=submit]")
    await page.wait_for_url("**/family")
    assert "approbation" in await page.inner_text("main")
    await a11y.check(page)
    await confirm_email(page, demo, "julie.gagnon@example.ca")

    await click(page, "link", "Ajouter l'adresse")
    await a11y.check(page)
    await page.fill("input[name=street]", "12, rue des Érables")
    await page.fill("input[name=city]", "Mont-Joli")
    await page.fill("input[name=postal_code]", "g5h 1a1")
    await page.click("main form button[type=submit]")
    await page.wait_for_url("**/family")
    for first, born in (("Léa", "2019-04-02"), ("Noah", "2017-08-30")):
        await click(page, "link", "Ajouter un enfant")
        await page.fill("input[name=first_name]", first)
        await page.fill("input[name=last_name]", "Gagnon")
        await page.fill("input[name=birth_date]", born)
        await page.click("main form button[type=submit]")
        await page.wait_for_url("**/family")
    for first in ("Léa", "Noah"):
        card = page.locator(".card", has=page.get_by_role("heading", name=f"{first} Gagnon"))
        await card.get_by_role("link", name="Fiche santé et sécurité").click()
        await a11y.check(page)
        await page.fill("textarea[name=allergies]", "Arachides")
        await page.check("input[name=epipen]")
        await page.click("main form button[type=submit]")
        await page.wait_for_url("**/family")
        card = page.locator(".card", has=page.get_by_role("heading", name=f"{first} Gagnon"))
        await card.get_by_role("link", name="Personnes à joindre").click()
        await a11y.check(page)
        await page.fill("input[name=contact-0-name]", "Marc Gagnon")
        await page.fill("input[name=contact-0-relationship]", "Père")
        await page.fill("input[name=contact-0-phone]", "418 555-0199")
        await page.select_option("select[name=contact-0-kind]", "emergency")
        await page.click("main form button[type=submit]")
        await page.wait_for_url("**/family")
    await click(page, "link", "Choisir l'adulte")
    await a11y.check(page)
    await page.check("input[name=person_id]")
    await page.fill("input[name=sin]", "046 454 286")
    await page.click("main form button[type=submit]")
    await page.wait_for_url("**/family")
    assert "046 454 286" not in await page.content()
    await a11y.check(page)
    await shot(page, "03-family-file")

    await approve(browser, demo, "julie.gagnon@example.ca")
    await page.reload()
    await click(page, "link", "Me préparer")
    assert "dossier familial est complet" in await page.inner_text("main")
    await a11y.check(page)
    await shot(page, "04-readiness")

    await click(page, "link", "Préparer mon panier")
    await page.select_option("select[name=program_id]", label="Camp de jour estival")
    await click(page, "button", "Afficher les groupes")
    await page.wait_for_selector("input[name=group_ids]")
    await a11y.check(page)
    for first in ("Léa", "Noah"):
        await page.get_by_role("checkbox", name=f"{first} Gagnon").check()
    for week in ("Semaine 1", "Semaine 2"):
        await page.get_by_role("checkbox", name=week).first.check()
    await page.get_by_label("Taille de t-shirt de Léa").select_option("6-8")
    await page.get_by_label("Taille de t-shirt de Noah").select_option("10-12")
    await shot(page, "05-register-day-camp")
    await click(page, "button", "Ajouter au panier")
    await page.wait_for_url("**/cart")
    assert "rien n'est réservé" in await page.inner_text("main")
    await a11y.check(page)

    await click(page, "link", "Aller à la salle d'attente")
    await click(page, "button", "Prendre ma place dans la file")
    await page.wait_for_url("**/queue")
    await page.wait_for_selector("#queue-live")
    await a11y.check(page)
    await shot(page, "06-waiting-room")
    # Nine o'clock: the service opens the sale.
    opened = await asyncio.to_thread(staff.post, "/api/v1/ops/sales/1/open")
    opened.raise_for_status()
    await on_the_cart(page)
    await page.wait_for_selector("#countdown")
    await a11y.check(page)
    await shot(page, "07-cart-countdown")

    await page.get_by_role("radio", name="Deux versements").check()
    await page.get_by_role("checkbox", name="J'autorise la Ville").check()
    await page.get_by_role("checkbox", name="J'accepte").check()
    await shot(page, "08-checkout")
    await click(page, "button", "Payer")
    await page.wait_for_url("**/sim-pay/**")
    await a11y.check(page)
    await page.click("button[value=fail]")
    await page.wait_for_url("**/orders/**")
    await page.get_by_text("Votre paiement a été refusé").first.wait_for()
    await a11y.check(page)
    await click(page, "button", "Payer de nouveau")
    await page.wait_for_url("**/sim-pay/**")
    await page.click("button[value=succeed]")
    await page.wait_for_url("**/orders/**")
    await reads(page, "Votre inscription est confirmée")
    await a11y.check(page)
    await shot(page, "09-confirmation")

    # A forgotten activity, while the family's turn lasts: no second trip through the line.
    await click(page, "link", "Ajouter une activité oubliée")
    await page.select_option("select[name=program_id]", label="Natation Croix-Rouge")
    await click(page, "button", "Afficher les groupes")
    await page.get_by_role("checkbox", name="Léa Gagnon").check()
    await page.locator("input[name=group_ids]:not([disabled])").first.check()
    await click(page, "button", "Ajouter au panier")
    await page.wait_for_url("**/cart")
    await page.wait_for_selector("#countdown")
    await page.get_by_role("checkbox", name="J'accepte").check()
    await click(page, "button", "Payer")
    await page.wait_for_url("**/sim-pay/**")
    await page.click("button[value=succeed]")
    await reads(page, "Votre inscription est confirmée")

    await click(page, "link", "Mon dossier")
    await a11y.check(page)
    await shot(page, "10-records")
    async with page.expect_download() as download_info:
        await page.click("a[href*='/records/releve24/']")
    download = await download_info.value
    pdf = await download.path()
    with open(pdf, "rb") as downloaded:  # noqa: ASYNC230 - a few bytes of a local file
        assert downloaded.read(4) == b"%PDF"
    await context.close()


async def english_parent_with_the_keyboard(
    browser: Any, demo: LiveDemo, staff: httpx.Client, a11y: AccessibilityLog
) -> None:
    context = await browser.new_context(viewport=DESKTOP, locale="en-CA")
    await context.clock.install()
    page = await context.new_page()
    keys = page.keyboard
    await page.goto(f"{demo.base_url}/")
    assert "Register your children" in await page.inner_text("h1")
    await tab_to_text(page, "a", "Create an account")
    await keys.press("Enter")
    await page.wait_for_url("**/signup")
    for name, value in (
        ("first_name", "Sam"),
        ("last_name", "Miller"),
        ("email", "sam.miller@example.ca"),
        ("password", PASSWORD),
    ):
        await tab_to(page, f"input[name={name}]")
        await keys.type(value)
    await keys.press("Enter")
    await page.get_by_role("heading", name="Check your email").wait_for()
    await tab_to_text(page, "main a", "Log in")
    await keys.press("Enter")
    await page.wait_for_url("**/login")
    for name, value in (("email", "sam.miller@example.ca"), ("password", PASSWORD)):
        await tab_to(page, f"input[name={name}]")
        await keys.type(value)
    await keys.press("Enter")
    await page.wait_for_url("**/family")
    await confirm_email(page, demo, "sam.miller@example.ca")
    await tab_to_text(page, "a", "Add a child")
    await keys.press("Enter")
    await page.wait_for_url("**/children/new")
    await a11y.check(page)
    for name, value in (("first_name", "Ava"), ("last_name", "Miller")):
        await tab_to(page, f"input[name={name}]")
        await keys.type(value)
    await tab_to(page, "input[name=birth_date]")
    await page.fill("input[name=birth_date]", "2018-06-15")  # the date picker's own widget
    await keys.press("Enter")
    await page.wait_for_url("**/family")
    await approve(browser, demo, "sam.miller@example.ca")

    await page.reload()
    await tab_to_text(page, "a", "Go to the waiting room")
    await keys.press("Enter")
    await page.wait_for_url("**/queue")
    await tab_to_text(page, "button", "Take my place in line")
    await keys.press("Enter")
    await on_the_cart(page)
    await a11y.check(page)
    await tab_to_text(page, "a", "Register a member")
    await keys.press("Enter")
    await page.wait_for_url("**/register")
    await tab_to(page, "select[name=program_id]")
    await page.select_option("select[name=program_id]", label="Red Cross swimming")
    await tab_to_text(page, "button", "Show the groups")
    await keys.press("Enter")
    await page.wait_for_selector("input[name=group_ids]")
    await a11y.check(page)
    await tab_to(page, "input[name=person_ids]")
    await keys.press("Space")
    await tab_to(page, "input[name=group_ids]:not([disabled])")
    await keys.press("Space")
    await tab_to_text(page, "button", "Add to cart")
    await keys.press("Enter")
    await page.wait_for_url("**/cart")
    await page.wait_for_selector("#countdown")
    await a11y.check(page)
    await tab_to(page, "input[name=accept_terms]")
    await keys.press("Space")
    await tab_to_text(page, "button", "Pay")
    await keys.press("Enter")
    await page.wait_for_url("**/sim-pay/**")
    assert "Simulated payment" in await page.inner_text("h1")
    await tab_to(page, "button[value=succeed]")
    await keys.press("Enter")
    await reads(page, "Your registration is confirmed")
    await a11y.check(page)
    await context.close()


async def test_parents_reach_a_paid_place_by_clicking_from_the_home_page(
    demo: LiveDemo,
) -> None:
    staff = staff_client(demo)
    a11y = AccessibilityLog()
    async with chromium() as browser:
        await french_parent_on_a_phone(browser, demo, staff, a11y)
        await english_parent_with_the_keyboard(browser, demo, staff, a11y)
    a11y.assert_clean()
    assert len(a11y.seen) >= 20

    emails = [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(demo.mail_dir.glob("*.eml"))
    ]
    confirmations = [m for m in emails if m["Subject"] == "Confirmation de votre inscription"]
    assert confirmations
    body = confirmations[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Léa Gagnon" in body
    assert "Noah Gagnon" in body
    assert "Versement 2" in body
    assert any(m["Subject"] == "Your registration is confirmed" for m in emails)
