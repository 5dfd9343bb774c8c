#!/usr/bin/env python3
"""Screenshots of a request as its users see it, in headless Chromium (Playwright driving
Debian's /usr/bin/chromium; `pip install playwright`, no browser download).

Against a running demo (`cargo run --release -p aggregator -- demo --dir DIR`), where Đồng Nai
has asked its communes for their internal rules: Phường Trấn Biên's officer pulls the notices,
sees the request on the home page, presses "Trả lời", fills the document form, attaches a PDF
(and tries an empty file, which is refused by name), the head approves and signs; the
committee's "Yêu cầu" page counts the answer and the report page offers the file, whose bytes
are checked against the PDF sent. Then the nation's directive: the commune downloads its file,
acknowledges it with its dissemination, and the nation's "Yêu cầu" page counts it; and Đồng
Nai's consolidated report as a decision (the draft page). Writes PNGs to OUT (default
/tmp/bmnn-shots).

    scripts/request-screens.py DIR [PORT_BASE] [OUT]
"""
import datetime
import hashlib
import os
import sys
import tempfile

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_browser  # noqa: E402

DIR = sys.argv[1]
BASE = int(sys.argv[2]) if len(sys.argv) > 2 else 8440
OUT = sys.argv[3] if len(sys.argv) > 3 else "/tmp/bmnn-shots"
PROVINCE, NODE = f"http://127.0.0.1:{BASE + 3}", f"http://127.0.0.1:{BASE + 6}"
NATION = f"http://127.0.0.1:{BASE + 1}"
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages "
       b"/Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def login(page, base, unit, user):
    demo_browser.login(page, DIR, base, unit, user)


def shot(page, name):
    path = os.path.join(OUT, name)
    page.screenshot(path=path, full_page=True)
    print(path)


def answer(browser, files):
    """The officer answers the request with the PDF; returns the draft's address."""
    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    login(officer, NODE, "75.26041", "canbo")
    officer.click("text=Nhận thông báo từ cấp trên ngay")
    shot(officer, "r1-node-home-request.png")
    officer.locator("tr", has_text="Gửi nội quy").locator("button:has-text('Trả lời')").click()
    officer.fill("input[name=number]", "15/QĐ-UBND")
    officer.fill("input[name=issued_on]", "2026-12-01")
    officer.click("button[value=luu]")
    draft = officer.url.split("?")[0]
    officer.set_input_files("input[name=files]", files["empty"])
    officer.click("button:has-text('Đính kèm')")
    shot(officer, "r2-node-empty-file-refused.png")
    officer.goto(draft)
    officer.set_input_files("input[name=files]", files["pdf"])
    officer.click("button:has-text('Đính kèm')")
    shot(officer, "r3-node-draft-with-file.png")
    return draft


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp()
    files = {"pdf": os.path.join(tmp, "Nội quy bảo vệ BMNN.pdf"), "empty": os.path.join(tmp, "trống.pdf")}
    with open(files["pdf"], "wb") as f:
        f.write(PDF)
    open(files["empty"], "wb").close()
    args = demo_browser.browser_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        draft = answer(browser, files)
        head = browser.new_page(viewport={"width": 1280, "height": 900})
        login(head, NODE, "75.26041", "lanhdao")
        head.goto(draft)
        head.click("button[value=duyet]")
        if "/lich-su" not in head.url:
            shot(head, "r0-approval-refused.png")
            raise SystemExit("the head's approval was refused: see r0-approval-refused.png")
        head.wait_for_timeout(3000)  # the pusher sends the file, then the report
        committee = browser.new_page(viewport={"width": 1280, "height": 900})
        login(committee, PROVINCE, "aggregator-75", "lanhdao")
        committee.goto(f"{PROVINCE}/yeu-cau")
        shot(committee, "r4-province-requests.png")
        committee.click("table a >> nth=0")
        shot(committee, "r5-province-request-units.png")
        committee.goto(f"{PROVINCE}/?don_vi=75.26041&loai=document")
        committee.click("a:text-is(\"Xem\") >> nth=0")
        shot(committee, "r6-province-answer.png")
        link = committee.locator("a[href*='/tep/']").first.get_attribute("href")
        got = committee.request.get(f"{PROVINCE}{link}").body()
        same = hashlib.sha256(got).hexdigest() == hashlib.sha256(PDF).hexdigest()
        print("downloaded file matches the PDF sent:", same)
        if not same:
            raise SystemExit("the downloaded file differs from the one sent")
        acknowledge(browser)
        nation = browser.new_page(viewport={"width": 1280, "height": 900})
        login(nation, NATION, "aggregator-VN", "lanhdao")
        nation.goto(f"{NATION}/yeu-cau")
        nation.click("table a >> nth=0")
        shot(nation, "r8-nation-directive.png")
        committee.goto(f"{PROVINCE}/bao-cao-tong-hop/soan")
        shot(committee, "r9-province-consolidated-draft.png")
        browser.close()


def acknowledge(browser):
    """The commune downloads the directive's file and acknowledges it; the head signs."""
    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    login(officer, NODE, "75.26041", "canbo")
    officer.click("text=Nhận thông báo từ cấp trên ngay")
    link = officer.locator("a[href*='/thong-bao/']").first.get_attribute("href")
    got = officer.request.get(f"{NODE}{link}").body()
    print("directive file is a PDF:", got.startswith(b"%PDF"))
    officer.locator("tr", has_text="245/BCA-A03").locator("button:has-text('Trả lời')").click()
    officer.fill("input[name=disseminated_on]", datetime.date.today().isoformat())  # a date input takes ISO
    officer.fill("input[name=participants]", "25")
    officer.click("button[value=luu]")
    shot(officer, "r7-node-acknowledgment.png")
    draft = officer.url.split("?")[0]
    head = browser.new_page(viewport={"width": 1280, "height": 900})
    login(head, NODE, "75.26041", "lanhdao")
    head.goto(draft)
    head.click("button[value=duyet]")
    if "/lich-su" not in head.url:
        shot(head, "r0-ack-refused.png")
        raise SystemExit("the acknowledgment was refused: see r0-ack-refused.png")
    head.wait_for_timeout(5000)  # to the province, then relayed to the nation


if __name__ == "__main__":
    main()
