#!/usr/bin/env python3
"""Screenshots of the upper tiers' picture as the ministry and a province see it, in headless
Chromium (Playwright driving Debian's /usr/bin/chromium; `pip install playwright`): the
dashboard (*Tổng quan*, ten years) at the nation and at Đồng Nai, and the first page of each
one's consolidated report. Against a running demo (`bmnn-aggregator demo --dir DIR
--port-base BASE`), optionally after `gen` at scale. Writes PNGs to OUT (default
/tmp/bmnn-shots); the committed ones are in docs/screens/.

    scripts/picture-screens.py DIR [PORT_BASE] [OUT]
"""
import os
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_browser  # noqa: E402

DIR = os.path.abspath(sys.argv[1])
BASE = int(sys.argv[2]) if len(sys.argv) > 2 else 8440
OUT = sys.argv[3] if len(sys.argv) > 3 else "/tmp/bmnn-shots"
SITES = [("nation", BASE + 1, "aggregator-VN"), ("dong-nai", BASE + 3, "aggregator-75")]


def main():
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=demo_browser.browser_args())
        for name, port, unit in SITES:
            base = f"http://127.0.0.1:{port}"
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            demo_browser.login(page, DIR, base, unit, "lanhdao")
            page.goto(f"{base}/tong-quan?tu=2017&den=2026")
            path = os.path.join(OUT, f"dashboard-{name}.png")
            page.screenshot(path=path, full_page=True)
            print(path)
            page.goto(f"{base}/bao-cao-tong-hop?ky=2025")
            path = os.path.join(OUT, f"report-{name}.png")
            page.screenshot(path=path, full_page=True)
            print(path)
        browser.close()


if __name__ == "__main__":
    main()
