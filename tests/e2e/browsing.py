"""What the browser tests share: Debian's Chromium, screenshots for the README, clicking and
keyboard-only moves, and an axe-core check of every page a journey visits."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.async_api")
axe_playwright = pytest.importorskip("axe_playwright_python.async_playwright")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

_AXE = axe_playwright.Axe()
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, one h1, headings in order).
_AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
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
        try:
            yield browser
        finally:
            await browser.close()


async def shot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


@dataclass
class AccessibilityLog:
    """Every page a journey saw, checked by axe-core as it was seen; a violation fails the
    test at the end with the whole report, so one run lists them all."""

    reports: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    async def check(self, page: Any) -> None:
        """axe-core on the page as it is, at the journey's size and then at the other one
        (phone <-> desktop), so both layouts of every visited page are checked."""
        await page.wait_for_load_state("load")
        path = "/" + page.url.split("://", 1)[-1].split("/", 1)[-1]
        self.seen.append(path)
        size = page.viewport_size
        other = DESKTOP if size == PHONE else PHONE
        for viewport in (size, other):
            await page.set_viewport_size(viewport)
            results = await _AXE.run(page, options=_AXE_OPTIONS)
            if results.violations_count:
                label = f"{path} at {viewport['width']}x{viewport['height']}"
                self.reports.append(f"{label}:\n{results.generate_report()}")
        await page.set_viewport_size(size)

    def assert_clean(self) -> None:
        assert not self.reports, "\n\n".join(self.reports)


async def wait_while_the_page_polls(
    page: Any, arrived: Callable[[], Awaitable[bool]], within_s: float = 60
) -> None:
    """Until `arrived()`, on a page that updates itself (the waiting room, an order being
    confirmed): the browser's clock is moved to each next poll the page set, instead of the
    test sitting out the 2 to 30 s the server asked for. The page's own timer still makes
    every request. Needs `clock.install()` on the page's context."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            if await arrived():
                return
            await page.clock.fast_forward(1_000)
        except playwright_api.Error:
            pass  # the page is navigating: ask again once the next one is there
        assert time.monotonic() < deadline, f"still waiting on {page.url}"
        await asyncio.sleep(0.1)


async def tab_to(page: Any, selector: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
        ):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key on {page.url}")


async def tab_to_text(page: Any, role_selector: str, text: str, limit: int = 300) -> None:
    """Tab to the first `role_selector` (e.g. 'a', 'button') whose visible text contains `text`."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            """([sel, text]) => { const el = document.activeElement;
                return !!el && el.matches(sel) && el.innerText.includes(text); }""",
            [role_selector, text],
        ):
            return
    raise AssertionError(f"no {role_selector} '{text}' reachable with the Tab key on {page.url}")
