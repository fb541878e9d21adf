"""The desk UI in headless Chromium: JavaScript weight of a first visit, time to the first user.

Starts the embedded tenant and the desk (serving the SPA already built into the package; this
script builds nothing), signs the admin in through the tenant's login page once, then prints:

- the JavaScript a first visit downloads, raw and gzip-compressed (level 6, as servers do),
  for the public home page and for the Users page signed in;
- the time from navigation start to the first user row on the Users page, signed in, with a
  cold HTTP cache each run (the page's own clock: ``performance.now()`` at the first row).

    .venv/bin/python bench/web.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Response, sync_playwright  # noqa: E402
from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, STATIC, Stack, start_stack  # noqa: E402

FIRST_ROW = "() => document.querySelector('tbody [data-testid=user-email]') && performance.now()"
EVENTS = "() => document.querySelector('[data-testid=events] a') !== null"


def javascript_weight(
    browser: Browser, stack: Stack, path: str, ready: str, state: object = None
) -> tuple[int, int, int]:
    """Scripts from the desk on a cold first visit: (files, raw bytes, gzip bytes)."""
    context = browser.new_context(storage_state=state)  # type: ignore[arg-type]
    page = context.new_page()
    scripts: list[Response] = []
    page.on(
        "response",
        lambda r: (
            scripts.append(r)
            if r.request.resource_type == "script" and r.url.startswith(stack.desk_url)
            else None
        ),
    )
    page.goto(f"{stack.desk_url}{path}")
    # Wait for the page's content, not just a quiet network: the lazy page chunk is requested
    # only once the app has started, which can be more than networkidle's 500 ms later.
    page.wait_for_function(ready, timeout=30_000)
    page.wait_for_load_state("networkidle")
    bodies = [r.body() for r in scripts]
    context.close()
    return len(bodies), sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def sign_in(browser: Browser, stack: Stack) -> object:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{stack.desk_url}/users")
    page.get_by_label("Email address").fill(stack.admin["email"])
    page.get_by_label("Password").fill(stack.admin["password"])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{stack.desk_url}/users")
    page.wait_for_function(FIRST_ROW, timeout=30_000)
    state = context.storage_state()
    context.close()
    return state


def time_to_first_row(browser: Browser, stack: Stack, state: object) -> float:
    context = browser.new_context(storage_state=state)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{stack.desk_url}/users", wait_until="commit")
    elapsed = float(page.wait_for_function(FIRST_ROW, polling="raf", timeout=30_000).json_value())
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (STATIC / "index.html").is_file():
        sys.exit("The SPA is not built: run `make web` first.")

    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), demo_users=200)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                state = sign_in(browser, stack)
                for label, path, ready, visit_state in (
                    ("events, anonymous", "/events", EVENTS, None),
                    ("users, signed in", "/users", FIRST_ROW, state),
                ):
                    files, raw, packed = javascript_weight(browser, stack, path, ready, visit_state)
                    print(
                        f"first-visit JavaScript ({label}): {files} files, "
                        f"{raw / 1024:.1f} KiB raw, {packed / 1024:.1f} KiB gzip"
                    )
                timings = [time_to_first_row(browser, stack, state) for _ in range(args.runs)]
                browser.close()
        finally:
            stack.stop()
    print(
        f"navigation to first user row (signed in, cold cache, {args.runs} runs): "
        f"median {statistics.median(timings):.0f} ms, "
        f"min {min(timings):.0f} ms, max {max(timings):.0f} ms"
    )


if __name__ == "__main__":
    main()
