#!/usr/bin/env python3
"""Screenshots of enrolment and rule packs as their users see them, in headless Chromium
(Playwright driving Debian's /usr/bin/chromium; `pip install playwright`).

Against a running demo (`cargo run --release -p aggregator -- demo --dir DIR`): Đồng Nai's
head opens "Chứng thư số" (the inventory), creates a one-time code for Phường Tam Hiệp
(75.26017) and reads it off the page with the root's fingerprint; a fresh node directory then
enrols with the real `bmnn-node init --enrol` (BMNN_NODE, default target/debug/bmnn-node);
the inventory and the code list show the new certificate and the used code. Then the nation
publishes a 2027 rule pack with the real `bmnn-aggregator publish-rules`; Phường Trấn Biên
pulls it and its home page announces it. Writes PNGs to OUT (default /tmp/bmnn-shots).

    scripts/trust-screens.py DIR [PORT_BASE] [OUT]
"""
import os
import re
import subprocess
import sys
import tempfile

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_browser  # noqa: E402

DIR = os.path.abspath(sys.argv[1])
BASE = int(sys.argv[2]) if len(sys.argv) > 2 else 8440
OUT = sys.argv[3] if len(sys.argv) > 3 else "/tmp/bmnn-shots"
PROVINCE, NODE = f"http://127.0.0.1:{BASE + 3}", f"http://127.0.0.1:{BASE + 6}"
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/bmnn-target"))
NODE_BIN = os.environ.get("BMNN_NODE", os.path.join(TARGET, "debug", "bmnn-node"))
AGG_BIN = os.environ.get("BMNN_AGGREGATOR", os.path.join(TARGET, "debug", "bmnn-aggregator"))
RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "rules")


def shot(page, name):
    path = os.path.join(OUT, name)
    page.screenshot(path=path, full_page=True)
    print(path)


def node_toml(home):
    with open(os.path.join(home, "node.toml"), "w", encoding="utf-8") as f:
        f.write(f"""[unit]
id = "75.26017"
name = "Ủy ban nhân dân phường Tam Hiệp"

[node]
data_dir = "data"
listen = "127.0.0.1:0"

[tls]
cert_chain = "pki/node.chain.pem"
key = "pki/node.key.pem"
trust_root = "pki/root.crt.pem"

[[upstream]]
name = "Công an tỉnh Đồng Nai (PA03)"
url = "https://127.0.0.1:{BASE + 2}/"
max_classification = "khong_mat"
""")


def enrol(browser):
    head = browser.new_page(viewport={"width": 1280, "height": 900})
    demo_browser.login(head, DIR, PROVINCE, "aggregator-75", "lanhdao")
    head.goto(f"{PROVINCE}/chung-thu")
    shot(head, "t1-inventory.png")
    head.goto(f"{PROVINCE}/chung-thu/ma-dang-ky")
    head.fill("input[name=units]", "75.26017")
    head.uncheck("input[name=missing]")
    head.click("button[value=html]")
    shot(head, "t2-code-created.png")
    text = head.content()
    code = re.search(r"<code>([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})</code>", text).group(1)
    fp = re.search(r"<code>([0-9a-f]{64})</code>", text).group(1)
    home = tempfile.mkdtemp(prefix="tam-hiep-")
    node_toml(home)
    env = dict(os.environ, BMNN_ADMIN_PASSWORD="Mat-khau-du-dai-2026")
    run = subprocess.run([NODE_BIN, "init", "--config", os.path.join(home, "node.toml"),
                          "--enrol", f"https://127.0.0.1:{BASE + 13}", "--code", code,
                          "--root-sha256", fp], capture_output=True, text=True, env=env)
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr
    head.goto(f"{PROVINCE}/chung-thu/ma-dang-ky")
    shot(head, "t3-code-used.png")
    head.goto(f"{PROVINCE}/chung-thu?q=tam+hiep")
    assert "Phường Tam Hiệp" in head.content()
    shot(head, "t4-inventory-filtered.png")


def publish_2027():
    with open(os.path.join(RULES, "2026-law117.toml"), encoding="utf-8") as f:
        pack = f.read()
    work = tempfile.mkdtemp(prefix="rules-")
    closed = pack.replace("valid_from = 2026-03-01\n", "valid_from = 2026-03-01\nvalid_until = 2026-12-31\n")
    nxt = (pack.replace('id = "2026-law117"', 'id = "2027-thu-nghiem"')
           .replace("valid_from = 2026-03-01", "valid_from = 2027-01-01")
           .replace("Chế độ báo cáo công tác bảo vệ bí mật nhà nước theo Luật số 117/2025/QH15",
                    "Chế độ báo cáo công tác bảo vệ bí mật nhà nước từ năm 2027 (thử nghiệm)"))
    paths = []
    for name, text in [("2026-law117.toml", closed), ("2027-thu-nghiem.toml", nxt)]:
        p = os.path.join(work, name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        paths += ["--pack", p]
    run = subprocess.run([AGG_BIN, "publish-rules", "--config", os.path.join(DIR, "aggregator-VN.toml"),
                          *paths, "--summary", "Biểu mẫu báo cáo từ kỳ năm 2027"],
                         capture_output=True, text=True)
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr


def announced(browser):
    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    demo_browser.login(officer, DIR, PROVINCE, "aggregator-75", "canbo")
    officer.goto(f"{PROVINCE}/bao-cao-da-gui")
    officer.click("text=Nhận thông báo từ cấp trên ngay")
    demo_browser.login(officer, DIR, NODE, "75.26041", "canbo")
    officer.click("text=Nhận thông báo từ cấp trên ngay")
    officer.goto(f"{NODE}/")
    assert "Quy định mới sắp có hiệu lực" in officer.content(), "the home page announces the pack"
    shot(officer, "t5-node-announces-2027-pack.png")


def main():
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=demo_browser.browser_args())
        enrol(browser)
        publish_2027()
        announced(browser)
        browser.close()


if __name__ == "__main__":
    main()
