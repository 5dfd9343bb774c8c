#!/usr/bin/env python3
"""Page benchmark: every page of a running aggregator's UI, driven over HTTP with a logged-in
session as a person would (login form, session cookie), N requests per page one after the
other; prints the first (cold) request's time, p50, p95, max and size per page as a Markdown table for BENCHMARKS.md.

    scripts/page-bench.py DEMO_DIR BASE_URL UNIT [N]

DEMO_DIR holds the demo's logins.txt (UNIT is its first column: aggregator-75, aggregator-VN);
the head (`lanhdao`) logs in. The script never starts or stops anything: run the server first
(see BENCHMARKS.md "Pages at scale" for the whole procedure)."""
import http.cookiejar
import os
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_browser import password  # noqa: E402


def session(base, demo_dir, unit):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/dang-nhap").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_csrf": token, "username": "lanhdao",
                                   "password": password(demo_dir, unit, "lanhdao")}).encode()
    opener.open(f"{base}/dang-nhap", form).read()
    return opener


def pages(opener, base, unit):
    """The pages to time; one report's page found through the inbox."""
    inbox = opener.open(f"{base}/").read().decode()
    report = re.search(r'href="(/bao-cao/[^"]+)"', inbox)
    child = "75.26041" if unit == "aggregator-75" else "75"
    out = [
        "/", "/?loai=annual_report", f"/?don_vi={urllib.parse.quote('Trấn Biên')}",
        f"/don-vi/{child}", "/yeu-cau", "/danh-muc", "/ty-le-nop", "/ty-le-nop?xem=don-vi",
        "/tong-quan", "/tong-quan?tu=2017&den=2026", "/tong-quan?vi_pham=networked_machine",
        "/bao-cao-tong-hop", "/bao-cao-tong-hop/soan", "/bao-cao-da-gui", "/kiem-tra",
        "/kiem-tra/rui-ro",
        "/bao-cao-tong-hop?dang=docx", "/bao-cao-tong-hop?dang=xlsx", "/ty-le-nop?dang=xlsx",
    ]
    if report:
        out.insert(4, report.group(1))
    return out


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    demo_dir, base, unit = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    opener = session(base, demo_dir, unit)
    print("| page | first ms | p50 ms | p95 ms | max ms | size |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in pages(opener, base, unit):
        times, size = [], 0
        for _ in range(n):
            t = time.perf_counter()
            with opener.open(f"{base}{path}") as r:
                body = r.read()
                if r.status != 200:
                    raise SystemExit(f"{path}: {r.status}")
            times.append((time.perf_counter() - t) * 1000)
            size = len(body)
        first = times[0]
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        print(f"| `{path}` | {first:.0f} | {statistics.median(times):.0f} | {p95:.0f} "
              f"| {times[-1]:.0f} "
              f"| {size / 1024:.0f} KiB |", flush=True)


if __name__ == "__main__":
    main()
