"""The dashboard page at GET / in headless Chromium (Debian's chromium and chromedriver, driven by
selenium): it lists the nine models as /api/v1/patterns/status does, turns a model red when its
upstream's health checks fail and green when they pass again, without a reload (the live
patternStatus subscription), and its try-it panel embeds a text and streams a chat token by token.
With keys configured it asks for one. A screenshot of each step goes to Tests/e2e/artifacts/."""
from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path

import pytest

from services import fresh_sim, gateway_env, gateways, get_json, http, sim  # noqa: F401 (fixtures)
from test_upstream_health import FAST_CHECKS, wait_for

# Selenium Manager would otherwise try to download a browser or driver; these are Debian's.
os.environ["SE_OFFLINE"] = "true"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FAULTY = "deepseek"     # behind a simulator of its own, so its health can fail alone
TRY_MODEL = "general"   # real_time: answers the embed and the chat at once


@pytest.fixture
def browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{missing} not installed: `make test` installs chromium and chromium-driver "
                    f"(scripts/install-deps test)", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # CI runs as root, where Chromium's sandbox cannot start; /dev/shm is small in containers.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(10)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"dashboard-{name}.png"))


def rows(driver) -> dict[str, dict]:
    """Every model row as the page shows it, in the page's order: its cells' text and its class."""
    listed = driver.execute_script("""
        return Array.from(document.querySelectorAll('#models tbody tr'), (tr) => {
          const cells = {model: tr.dataset.model, cls: tr.className};
          for (const td of tr.cells) cells[td.dataset.field] = td.textContent;
          return cells;
        });""")
    return {row["model"]: row for row in listed}


def text_of(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).get_attribute("textContent")


def state(driver, model: str) -> tuple[str, str] | None:
    row = rows(driver).get(model)
    return (row["cls"], row["state"]) if row else None


def test_the_page_shows_the_models_live_and_its_try_it_panel_answers(sim, fresh_sim, gateways, browser):
    # FAULTY has a server of its own (fresh_sim), so its health can fail alone.
    gw = gateways.start(gateway_env(sim, DEEPSEEK_ENDPOINT=fresh_sim.url, **FAST_CHECKS))
    base = f"http://127.0.0.1:{gw.port}"
    page = http(gw.port, "GET", "/")
    assert page.status == 200 and page.headers["content-type"] == "text/html; charset=utf-8", page
    assert "default-src 'none'" in page.headers["content-security-policy"], page.headers

    browser.get(base + "/")
    wait_for("nine model rows", lambda: len(rows(browser)) == 9)
    wait_for("the subscription is live", lambda: browser.find_element("id", "connection").text == "live")
    status = get_json(gw.port, "/api/v1/patterns/status")["models"]
    shown = rows(browser)
    assert list(shown) == list(status), (list(shown), list(status))
    assert {m: r["pattern"] for m, r in shown.items()} == {m: s["pattern"] for m, s in status.items()}
    wait_for("every model up", lambda: all(state(browser, m) == ("model state-up", "up") for m in status))
    shot(browser, "1-models")
    loaded = browser.execute_script("return [window.pgLoadedAt, performance.timeOrigin]")

    # The fault: the model's only server fails its health path (and its calls), so the probes
    # take it out of rotation with no traffic at all.
    fresh_sim.control(health="fail")
    fresh_sim.control(model="*", mode="fail", status=500)
    wait_for(f"{FAULTY} red", lambda: state(browser, FAULTY) == ("model state-down", "down"))
    assert all(state(browser, m) == ("model state-up", "up") for m in status if m != FAULTY), rows(browser)
    assert browser.execute_script("return [window.pgLoadedAt, performance.timeOrigin]") == loaded, "the page reloaded"
    assert get_json(gw.port, "/api/v1/patterns/status")["models"][FAULTY]["upstream"] == "down"
    shot(browser, "2-fault")

    # Try it: an embed shows the vector; a chat streams (slowed so its growth can be watched).
    browser.find_element("css selector", f"#try-model option[value='{TRY_MODEL}']").click()
    text = browser.find_element("id", "try-text")
    text.clear()
    text.send_keys("Which integration pattern answers now?")
    browser.find_element("id", "embed-button").click()
    out = wait_for("the embedding", lambda: browser.find_element("id", "embed-output").get_attribute("data-dims"))
    assert out == "384", out
    assert "first values" in text_of(browser, "embed-output")

    sim.control(model=TRY_MODEL, tokens_per_second=25)
    try:
        browser.find_element("id", "chat-button").click()
        lengths = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lengths.append(len(text_of(browser, "chat-output")))
            if "chunks in" in text_of(browser, "chat-stats"):
                break
            time.sleep(0.05)
        final = text_of(browser, "chat-output")
        assert final and "chunks in" in text_of(browser, "chat-stats"), (final, lengths[-5:])
        # The last chunk may land between a sample of the text and the look at the stats.
        lengths.append(len(final))
        growth = sorted(set(lengths))
        assert len(growth) >= 4, f"the answer arrived in too few steps: {growth}"
        assert lengths == sorted(lengths), "the streamed text shrank"
    finally:
        sim.control(model=TRY_MODEL, tokens_per_second=200)
    # The tokens the chat made show in the table, still without a reload.
    wait_for("the chat's tokens/s in the table", lambda: float(rows(browser)[TRY_MODEL]["tokens"]) > 0)
    shot(browser, "3-try-it")

    fresh_sim.control(health="ok")
    fresh_sim.control(model="*", mode="recover")
    wait_for(f"{FAULTY} green again", lambda: state(browser, FAULTY) == ("model state-up", "up"))
    assert browser.execute_script("return [window.pgLoadedAt, performance.timeOrigin]") == loaded, "the page reloaded"
    shot(browser, "4-recovered")


def test_with_keys_configured_the_page_asks_for_one(sim, gateways, browser, tmp_path):
    key = "pg-dash-" + uuid.uuid4().hex
    config = tmp_path / "keys.yaml"
    config.write_text("security:\n  api_keys:\n    - name: reader\n"
                      f"      sha256: {hashlib.sha256(key.encode()).hexdigest()}\n      role: read\n")
    gw = gateways.start(gateway_env(sim), extra_args=("--config", str(config)))
    browser.get(f"http://127.0.0.1:{gw.port}/")
    wait_for("the key prompt", lambda: browser.find_element("id", "key-form").is_displayed())
    assert rows(browser) == {}
    shot(browser, "5-key-prompt")
    browser.find_element("id", "key-input").send_keys(key)
    browser.find_element("css selector", "#key-form button").click()
    wait_for("nine model rows with the key", lambda: len(rows(browser)) == 9)
    wait_for("the subscription is live with the key", lambda: browser.find_element("id", "connection").text == "live")
    assert not browser.find_element("id", "key-form").is_displayed()
