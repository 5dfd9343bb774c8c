"""What the screenshot scripts share: the demo's logins (DIR/logins.txt) and logging in
through a UI's login page, as a person would."""
import os


def password(demo_dir, unit, user):
    with open(os.path.join(demo_dir, "logins.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[:2] == [unit, user]:
                return parts[2]
    raise SystemExit(f"no login for {unit} {user}")


def login(page, demo_dir, base, unit, user):
    page.goto(f"{base}/dang-nhap")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password(demo_dir, unit, user))
    page.click("button[type=submit]")


def browser_args():
    return ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
