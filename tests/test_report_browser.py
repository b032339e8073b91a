"""The report in a real browser (issue 11, §2): Debian's headless Chromium loads the page
from file://, logs no error, draws every figure, and the Figure 2-5 sections are saved as
screenshots in the test's temp folder.

Selenium drives /usr/bin/chromium through /usr/bin/chromedriver (given explicitly, so
Selenium Manager never downloads a driver or a browser).
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT_SECTIONS = ("figure2", "figure3", "figure4", "figure5")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
    "/usr/bin/chromedriver): apt-get install chromium chromium-driver",
)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (dev extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--disable-background-networking", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                              options=options)
    yield driver
    driver.quit()


def section_screenshot(driver, section_id: str, path: Path) -> Path:
    """PNG of one section of the loaded page, also below the window (DevTools clip)."""
    rect = driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];",
        section_id)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": rect[0], "y": rect[1], "width": rect[2], "height": rect[3],
                 "scale": 1},
    })
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_report_in_headless_chromium(browser, demo_report, tmp_path):
    result = demo_report[0]
    browser.get(result.html.resolve().as_uri())
    assert browser.title == "calcomics report"
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => "
        "[i.closest('figure').id, i.complete, i.naturalWidth, "
        "i.getBoundingClientRect().width, i.getBoundingClientRect().height]);")
    expected = [f"figure-{f.figure_id.lower()}" for f in result.rendered]
    assert [d[0] for d in drawn] == expected
    for figure_id, complete, natural_width, width, height in drawn:
        assert complete and natural_width > 0 and width > 0 and height > 0, figure_id
    # nothing was fetched from a network: every resource is the file or inline data
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    assert [r for r in resources if not r.startswith(("file:", "data:"))] == []
    for section in SCREENSHOT_SECTIONS:
        path = section_screenshot(browser, section, tmp_path / f"report_{section}.png")
        pixels = image.imread(path)
        assert pixels.shape[0] > 400 and pixels.shape[1] > 400, section
        assert float(np.std(pixels[..., :3])) > 0.05, f"{section} screenshot is blank"
