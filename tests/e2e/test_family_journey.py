"""A parent's whole opening morning in a real browser (Debian's Chromium, phone-sized),
on a running `rush demo`: sign up, staff approval, family file with two children, a prepared
cart, the waiting room, admission, two siblings in the same camp weeks with daycare,
checkout in two instalments, the confirmation email and the Relevé 24 PDF.

Screenshots of the main pages land in docs/screens/ (shown in README)."""

from __future__ import annotations

import email
import shutil
from collections.abc import AsyncIterator
from email import policy
from pathlib import Path

import httpx
import pytest

from tests.e2e.live_demo import LiveDemo, live_demo

playwright_api = pytest.importorskip("playwright.async_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE = {"width": 390, "height": 844}
PASSWORD = "mot de passe 123"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def demo(tmp_path: Path) -> AsyncIterator[LiveDemo]:
    with live_demo(tmp_path / "demo", accounts_need_approval="true") as running:
        yield running


def staff_client(demo: LiveDemo) -> httpx.Client:
    """The recreation service's admin, signed in to the ops API."""
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


async def shot(page: object, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


async def test_a_parent_registers_two_children_on_opening_morning(demo: LiveDemo) -> None:
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = await browser.new_context(viewport=PHONE, locale="fr-CA", accept_downloads=True)
        page = await context.new_page()
        base = demo.base_url

        await page.goto(f"{base}/")
        assert "Inscrivez vos enfants" in await page.inner_text("h1")
        await shot(page, "01-home")
        await page.goto(f"{base}/catalogue")
        await shot(page, "02-catalogue")

        await page.goto(f"{base}/signup")
        await page.fill("input[name=first_name]", "Julie")
        await page.fill("input[name=last_name]", "Gagnon")
        await page.fill("input[name=email]", "julie.gagnon@example.ca")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("main form button[type=submit]")
        await page.wait_for_url(f"{base}/family")
        assert "approbation" in (await page.content())

        pending = await page.evaluate("() => document.body.innerText")
        assert "attente" in pending.lower()

        await page.goto(f"{base}/family/address")
        await page.fill("input[name=street]", "12, rue des Érables")
        await page.fill("input[name=city]", "Mont-Joli")
        await page.fill("input[name=postal_code]", "g5h 1a1")
        await page.click("main form button[type=submit]")
        for first, born in (("Léa", "2019-04-02"), ("Noah", "2017-08-30")):
            await page.goto(f"{base}/family/children/new")
            await page.fill("input[name=first_name]", first)
            await page.fill("input[name=last_name]", "Gagnon")
            await page.fill("input[name=birth_date]", born)
            await page.click("main form button[type=submit]")
            await page.wait_for_url(f"{base}/family")
        persons = await page.evaluate("() => fetch('/api/v1/family/persons').then(r => r.json())")
        children = {p["first_name"]: p["id"] for p in persons if p["role"] == "child"}
        assert set(children) == {"Léa", "Noah"}
        for child_id in children.values():
            await page.goto(f"{base}/family/children/{child_id}/health")
            await page.fill("textarea[name=allergies]", "Arachides")
            await page.check("input[name=epipen]")
            await page.click("main form button[type=submit]")
            await page.goto(f"{base}/family/children/{child_id}/contacts")
            await page.fill("input[name=contact-0-name]", "Marc Gagnon")
            await page.fill("input[name=contact-0-relationship]", "Père")
            await page.fill("input[name=contact-0-phone]", "418 555-0199")
            await page.select_option("select[name=contact-0-kind]", "emergency")
            await page.click("main form button[type=submit]")
        await page.goto(f"{base}/family/tax-payer")
        await page.check("input[name=person_id]")
        await page.fill("input[name=sin]", "046 454 286")
        await page.click("main form button[type=submit]")
        await page.goto(f"{base}/family")
        assert "046 454 286" not in await page.content()
        await shot(page, "03-family-file")

        me = await page.evaluate("() => fetch('/api/v1/auth/me').then(r => r.json())")
        staff = staff_client(demo)
        staff.post(f"/api/v1/ops/families/{me['family_id']}/approve").raise_for_status()

        await page.goto(f"{base}/sales/1/ready")
        await shot(page, "04-readiness")

        groups = staff.get("/api/v1/groups?sale_id=1").json()
        camp = [g for g in groups if g["program_kind"] == "day_camp"]
        weeks = [g for g in camp if g["week_number"] in (1, 2)]
        program_id = camp[0]["program_id"]
        await page.goto(f"{base}/sales/1/register?program_id={program_id}")
        for child_id in children.values():
            await page.check(f"input[name=person_ids][value='{child_id}']")
        for group in weeks:
            await page.check(f"input[name=group_ids][value='{group['id']}']")
        await page.select_option("select[name=tshirt_size]", "6-8")
        await shot(page, "05-register-day-camp")
        await page.click("main form.stack button[type=submit]")
        await page.wait_for_url(f"{base}/sales/1/cart")
        assert "rien n'est réservé" in await page.inner_text("main")

        await page.goto(f"{base}/sales/1/queue")
        await page.click("main form button[type=submit]")
        await page.wait_for_url(f"{base}/sales/1/queue")
        await shot(page, "06-waiting-room")
        staff.post("/api/v1/ops/sales/1/open").raise_for_status()
        await page.wait_for_url(f"{base}/sales/1/cart", timeout=60_000)
        await page.wait_for_selector("#countdown")
        await shot(page, "07-cart-countdown")
        held = staff.get("/api/v1/groups?sale_id=1").json()
        assert all(g["held"] == 2 for g in held if g["id"] in {w["id"] for w in weeks})

        await page.check("input[name=instalments][value='2']")
        await page.check("input[name=accept_terms]")
        await shot(page, "08-checkout")
        await page.click("main form.card button[type=submit]")
        await page.wait_for_url("**/sim-pay/**")
        await page.click("button[value=succeed]")
        await page.wait_for_url("**/orders/**")
        await page.wait_for_function(
            "() => document.body.innerText.includes('Votre inscription est confirmée')",
            timeout=60_000,
        )
        await shot(page, "09-confirmation")

        await page.goto(f"{base}/records")
        await shot(page, "10-records")
        async with page.expect_download() as download_info:
            await page.click("a[href*='/records/releve24/']")
        download = await download_info.value
        pdf = await download.path()
        with open(pdf, "rb") as downloaded:  # noqa: ASYNC230 - a few bytes of a local file
            assert downloaded.read(4) == b"%PDF"
        await browser.close()

    emails = [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(demo.mail_dir.glob("*.eml"))
    ]
    subjects = [m["Subject"] for m in emails]
    assert "Confirmation de votre inscription" in subjects
    confirmation = next(m for m in emails if m["Subject"] == "Confirmation de votre inscription")
    body = confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Léa Gagnon" in body
    assert "Noah Gagnon" in body
    assert "Versement 2" in body
