#!/usr/bin/env python3
"""Screenshots of the downlink as its users see it, in headless Chromium (Playwright driving
Debian's /usr/bin/chromium; `pip install playwright`, no browser download).

Against a running demo (`cargo run --release -p aggregator -- demo --dir DIR`): Đồng Nai's
committee returns Phường Trấn Biên's latest annual report with a reason; the commune's officer
pulls the notice and sees it first on the home page, opens "Sửa và nộp lại"; the committee's
inbox shows the states. Writes PNGs to OUT (default /tmp/bmnn-shots).

    scripts/downlink-screens.py DIR [PORT_BASE] [OUT]
"""
import os
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_browser  # noqa: E402

DIR = sys.argv[1]
BASE = int(sys.argv[2]) if len(sys.argv) > 2 else 8440
OUT = sys.argv[3] if len(sys.argv) > 3 else "/tmp/bmnn-shots"
PROVINCE, NODE = f"http://127.0.0.1:{BASE + 3}", f"http://127.0.0.1:{BASE + 6}"


def login(page, base, unit, user):
    demo_browser.login(page, DIR, base, unit, user)


def shot(page, name):
    path = os.path.join(OUT, name)
    page.screenshot(path=path, full_page=name not in ("4-node-amendment-draft.png", "5-node-history.png"))
    print(path)


def send_annual_report(browser):
    """The commune's officer fills this year's annual report; the head approves it."""
    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    login(officer, NODE, "75.26041", "canbo")
    officer.goto(f"{NODE}/ban-nhap/moi/annual_report")
    for i, area in enumerate(officer.locator("textarea[name^=sections]").all()):
        area.fill(f"Nội dung mục {'abcdefgh'[i % 8]} của báo cáo năm.")
    for box in officer.locator("input.num").all():
        box.fill("0")
    officer.fill("input[name=drafter]", "Nguyễn Văn An, công chức Văn phòng")
    officer.click("button[value=luu]")
    draft = officer.url.split("?")[0]
    head = browser.new_page(viewport={"width": 1280, "height": 900})
    login(head, NODE, "75.26041", "lanhdao")
    head.goto(draft)
    head.click("button[value=duyet]")
    if "/lich-su" not in head.url:
        shot(head, "0-approval-refused.png")
        raise SystemExit("the head's approval was refused: see 0-approval-refused.png")
    head.wait_for_timeout(3000)  # the pusher sends it (a person would wait too)


def main():
    os.makedirs(OUT, exist_ok=True)
    args = demo_browser.browser_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        send_annual_report(browser)
        committee = browser.new_page(viewport={"width": 1280, "height": 900})
        login(committee, PROVINCE, "aggregator-75", "canbo")
        committee.goto(f"{PROVINCE}/?don_vi=75.26041&loai=annual_report")
        shot(committee, "1-inbox.png")
        committee.click("a:text-is(\"Xem\") >> nth=0")
        if committee.locator("button[value=returned]").count():
            committee.fill("textarea[name=reason]", "Mục c chưa nêu số lớp tập huấn và số người tham dự.")
            committee.fill("textarea[name=pointers]", "Mục c\nso_lop_tap_huan")
            committee.click("button[value=returned]")
        shot(committee, "2-returned-at-province.png")

        officer = browser.new_page(viewport={"width": 1280, "height": 900})
        login(officer, NODE, "75.26041", "canbo")
        officer.click("text=Nhận thông báo từ cấp trên ngay")
        shot(officer, "3-node-home-returned.png")
        if officer.locator("text=Sửa và nộp lại").count():
            officer.click("text=Sửa và nộp lại")
        else:
            officer.click("text=Tiếp tục sửa")
        shot(officer, "4-node-amendment-draft.png")
        officer.goto(f"{NODE}/lich-su")
        shot(officer, "5-node-history.png")
        committee.goto(f"{PROVINCE}/")
        shot(committee, "6-province-inbox.png")
        browser.close()


main()
