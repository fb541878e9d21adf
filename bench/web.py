"""The desk UI in headless Chromium: what a first visit downloads, and how soon it shows.

Starts the embedded tenant and the desk (serving the SPA already built into the package; this
script builds nothing), signs the admin in through the tenant's login page once, then prints:

- per page (home and events anonymous; users, a user's page and audit signed in), the
  JavaScript and the CSS a first visit with a cold cache downloads: files, raw bytes, gzip
  bytes (level 6, as servers do) and the bytes the desk actually sent (it serves Brotli or
  gzip copies made at build time);
- the time from navigation start to the first meaningful content, cold HTTP cache each run
  (the page's own clock, ``performance.now()``): the welcome page's Log in button (anonymous),
  and signed in the first user row on Users, the user's name on a user's page opened from a
  pasted link, the first audit entry (or the note that there is none) on Audit.

    .venv/bin/python bench/web.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Response, sync_playwright  # noqa: E402
from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, STATIC, Stack, start_stack  # noqa: E402

FIRST_ROW = "() => document.querySelector('tbody [data-testid=user-email]') && performance.now()"
USER_NAME = (
    "() => document.querySelector('[data-testid=user-title]')?.textContent && performance.now()"
)
WELCOME_AT = (
    "() => document.querySelector('[data-testid=welcome-log-in]') !== null && performance.now()"
)
AUDIT_AT = (
    "() => document.querySelector('[data-testid=audit-actor], [data-testid=audit-empty]')"
    " !== null && performance.now()"
)
EVENTS = "() => document.querySelector('[data-testid=events] a') !== null"
WELCOME = "() => document.querySelector('[data-testid=welcome-log-in]') !== null"
AUDIT = (
    "() => document.querySelector('[data-testid=audit-actor], [data-testid=audit-empty]') !== null"
)


@dataclass
class Weight:
    files: int = 0
    raw: int = 0
    packed: int = 0
    sent: int = 0

    def add(self, response: Response) -> None:
        body = response.body()
        self.files += 1
        self.raw += len(body)
        self.packed += len(gzip.compress(body, 6))
        self.sent += response.request.sizes()["responseBodySize"]

    def __str__(self) -> str:
        return (
            f"{self.files:2d} files {self.raw / 1024:7.1f} KiB raw "
            f"{self.packed / 1024:6.1f} KiB gzip {self.sent / 1024:6.1f} KiB sent"
        )


def first_visit(
    browser: Browser, stack: Stack, path: str, ready: str, state: object = None
) -> tuple[Weight, Weight]:
    """Scripts and style sheets from the desk on a cold first visit."""
    context = browser.new_context(storage_state=state)  # type: ignore[arg-type]
    page = context.new_page()
    responses: list[Response] = []
    page.on(
        "response",
        lambda r: responses.append(r) if r.url.startswith(stack.desk_url) else None,
    )
    page.goto(f"{stack.desk_url}{path}")
    # Wait for the page's content, not just a quiet network: the lazy page chunk is requested
    # only once the app has started, which can be more than networkidle's 500 ms later.
    page.wait_for_function(ready, timeout=30_000)
    page.wait_for_load_state("networkidle")
    scripts, styles = Weight(), Weight()
    for response in responses:
        kind = response.request.resource_type
        if kind == "script":
            scripts.add(response)
        elif kind == "stylesheet":
            styles.add(response)
    context.close()
    return scripts, styles


def sign_in(browser: Browser, stack: Stack) -> tuple[object, str]:
    """The signed-in browser state, and the address of one user's page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{stack.desk_url}/users")
    page.get_by_label("Email address").fill(stack.admin["email"])
    page.get_by_label("Password").fill(stack.admin["password"])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{stack.desk_url}/users")
    page.wait_for_function(FIRST_ROW, timeout=30_000)
    link = page.locator("tbody [data-testid=user-name]").first.get_attribute("href")
    state = context.storage_state()
    context.close()
    if not link:
        sys.exit("The users table links to no user page.")
    return state, link


def time_to(browser: Browser, stack: Stack, state: object, path: str, ready: str) -> float:
    context = browser.new_context(storage_state=state)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{stack.desk_url}{path}", wait_until="commit")
    elapsed = float(page.wait_for_function(ready, polling="raf", timeout=30_000).json_value())
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (STATIC / "index.html").is_file():
        sys.exit("The SPA is not built: run `make web` first.")

    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), demo_users=200)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                state, user_path = sign_in(browser, stack)
                print("first visit, cold cache:")
                for label, path, ready, visit_state in (
                    ("home, anonymous", "/", WELCOME, None),
                    ("events, anonymous", "/events", EVENTS, None),
                    ("users, signed in", "/users", FIRST_ROW, state),
                    ("a user, signed in", user_path, USER_NAME, state),
                    ("audit, signed in", "/audit", AUDIT, state),
                ):
                    scripts, styles = first_visit(browser, stack, path, ready, visit_state)
                    print(f"  {label:18s} JS  {scripts}")
                    print(f"  {'':18s} CSS {styles}")
                for label, path, ready, timed_state in (
                    ("welcome's Log in (home), anonymous", "/", WELCOME_AT, None),
                    ("first user row (users), signed in", "/users", FIRST_ROW, state),
                    ("user's name (a user's page), signed in", user_path, USER_NAME, state),
                    ("first audit entry (audit), signed in", "/audit", AUDIT_AT, state),
                ):
                    timings[label] = [
                        time_to(browser, stack, timed_state, path, ready) for _ in range(args.runs)
                    ]
                browser.close()
        finally:
            stack.stop()
    # Wall times wait for a CPU on a shared machine: say how busy it was.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average while timing: {load}")
    for label, runs in timings.items():
        print(
            f"navigation to {label}, cold cache, {args.runs} runs: "
            f"median {statistics.median(runs):.0f} ms, "
            f"min {min(runs):.0f} ms, max {max(runs):.0f} ms"
        )


if __name__ == "__main__":
    main()
