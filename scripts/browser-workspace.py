#!/usr/bin/env python3
"""The browser workspace of `chainflow serve`, driven in a real browser (Playwright with Debian's
Chromium, no browser download): search an address, open it, expand a node's outputs in the flow
graph, run a trace, review an alert, pin a node, add a note whose text is markup, export the case
and check the evidence folder's SHA-256 sums. A label that is a <script> tag must stay text on
every page, and no page may log a Content-Security-Policy violation or any other console error.

    scripts/browser-workspace.py .build/release/chainflow [SCREENSHOT_FOLDER]

Builds its own case database from SampleData with the given chainflow binary; exits non-zero on
the first failed check. docs/serve.md shows the screenshots it takes.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

CHAINFLOW = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/chainflow")
SHOTS = sys.argv[2] if len(sys.argv) > 2 else None
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SATOSHI = "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S"
HAL = "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"
TX170 = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
SCRIPT_LABEL = "<script>window.__pwned=1</script> Hal"


def check(condition, what):
    if not condition:
        raise SystemExit("browser-workspace: FAILED: " + what)
    print("ok   " + what)


def run(*args):
    r = subprocess.run([CHAINFLOW, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"chainflow {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def chromium():
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if name and os.path.exists(name):
            return name
    raise SystemExit("browser-workspace: no chromium (apt-get install chromium)")


def main():
    work = tempfile.mkdtemp(prefix="chainflow-browser-")
    db = os.path.join(work, "case.db")
    tags = os.path.join(work, "tags.csv")
    with open(tags, "w") as f:
        f.write(f'address,label,category\n{HAL},"{SCRIPT_LABEL}",person\n')
    run("ingest", "--quiet", "--db", db, f"{ROOT}/SampleData/bitcoin/blk/blocks1-256.dat",
        f"{ROOT}/SampleData/transfers/ledger.csv")
    run("tags", "import", "--db", db, tags, f"{ROOT}/SampleData/transfers/labels.csv")
    run("cluster", "run", "--db", db)
    run("aml", "run", "--db", db, "--format", "csv")
    expected_outputs = json.loads(run("query", "neighbors", "--db", db, "--param", f"address={SATOSHI}",
                                      "--param", "direction=out", "--param", "limit=10", "--format", "json"))

    out = open(os.path.join(work, "serve.out"), "w+")
    server = subprocess.Popen([CHAINFLOW, "serve", "--db", db, "--port", "0"], stdout=out,
                              stderr=subprocess.DEVNULL)
    try:
        base = None
        for _ in range(200):
            out.seek(0)
            m = re.search(r"chainflow serve: (http://\S+)/ ", out.read())
            if m:
                base = m.group(1)
                break
            time.sleep(0.05)
        check(base is not None, "chainflow serve prints its URL")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            problems = []
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))

            def shot(name):
                if SHOTS:
                    os.makedirs(SHOTS, exist_ok=True)
                    page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=False)

            # Search an address by its start, open it from the results.
            page.goto(base + "/")
            page.fill("nav input[name=q]", SATOSHI[:6])
            page.click("nav button")
            page.wait_for_selector(f"a[href='/address/{SATOSHI}']")
            shot("search")
            page.click(f"a[href='/address/{SATOSHI}']")
            page.wait_for_selector("#flow-graph svg")
            check(page.get_attribute("#flow-graph", "data-nodes") == "1", "the address page's graph starts at its node")

            # Expand the node's outputs: one node per neighbour the neighbors query lists.
            page.click("button[data-act=out]")
            want = 1 + len({r["neighbor"] for r in expected_outputs["rows"]})
            # (selectors, not wait_for_function: the page's policy forbids evaluating strings)
            page.wait_for_selector(f"#flow-graph[data-nodes='{want}']")
            check(page.locator(f"#flow-graph g.node[data-address='{HAL}']").count() == 1,
                  f"expanding outputs adds Hal's address ({want - 1} neighbours, as `chainflow query neighbors` lists)")
            page.click(f"#flow-graph g.node[data-address='{HAL}']")
            page.click("button[data-act=pin]")
            page.wait_for_selector("#graph-selected:has-text('pinned')")
            shot("address-graph")

            # CSV download of a table.
            with page.expect_download() as d:
                page.locator("button.csv-download").first.click()
            csv = open(d.value.path(), encoding="utf-8").read()
            check(len(csv.splitlines()) >= 2 and "," in csv.splitlines()[0], "a table downloads as CSV")

            # Hal's page: the <script> label is shown as text and never runs.
            page.goto(base + "/address/" + HAL)
            check(SCRIPT_LABEL in page.inner_text("body"), "the <script> label is shown as text")
            check(page.evaluate("window.__pwned === undefined"), "the <script> label does not run")

            # The trace panel: run a trace from block 170's transaction.
            page.goto(base + "/trace")
            page.fill("input[name=from]", "tx:" + TX170)
            page.fill("input[name=hops]", "4")
            page.click(".trace-form button")
            page.wait_for_selector("svg .node")
            check(page.locator("svg .node").count() >= 2, "the trace draws its flow picture")
            shot("trace")

            # The alerts inbox: review the first alert as `chainflow aml review` would.
            page.goto(base + "/alerts")
            form = page.locator("form.review").first
            fingerprint = form.get_attribute("data-alert")
            form.locator("select").select_option("escalated")
            form.locator("input[name=note]").fill("needs a second look")
            form.locator("button").click()
            page.wait_for_load_state("load")
            page.wait_for_selector("td:has-text('needs a second look')")
            shot("alerts")
            stored = json.loads(run("query", "alerts", "--db", db, "--param", "status=escalated", "--format", "json"))
            check([r["fingerprint"] for r in stored["rows"]] == [fingerprint],
                  "the review is stored where `chainflow query alerts` reads it")

            # The case: a note whose text is markup, then the export.
            page.goto(base + "/case")
            page.fill("#case-note-form input[name=subject]", HAL)
            page.fill("#case-note-form input[name=text]", "<img src=x onerror=alert(2)> paid by Satoshi")
            page.click("#case-note-form button")
            page.wait_for_selector("td:has-text('paid by Satoshi')")
            check(page.locator("main img").count() == 0, "a note's markup stays text")
            page.click("#case-export")
            page.wait_for_selector("#case-export-result li")
            shot("case")
            folder = page.inner_text("#case-export-result p").removeprefix("Exported to ").strip()
            items = page.locator("#case-export-result li")
            listed = {items.nth(i).get_attribute("data-name"): items.nth(i).get_attribute("data-sha256")
                      for i in range(items.count())}
            browser.close()
            check(not problems, "no console errors or CSP violations: " + "; ".join(problems))

        # The evidence folder: every file's SHA-256 is the one SHA256SUMS and the page list.
        sums = {}
        for line in open(os.path.join(folder, "SHA256SUMS")):
            digest, name = line.rstrip("\n").split("  ", 1)
            sums[name] = digest
        for name, digest in sums.items():
            actual = hashlib.sha256(open(os.path.join(folder, name), "rb").read()).hexdigest()
            check(actual == digest == listed.get(name), f"{name}: sha256 {actual[:16]}… matches")
        check(f"address-{HAL}.json" in sums, "the pinned address's report is in the evidence folder")
        case = json.load(open(os.path.join(folder, "case.json")))
        kinds = [e["kind"] for e in case["log"]]
        check("expand-out" in kinds and "trace" in kinds and "review" in kinds and "note" in kinds,
              "the journey log holds the expansion, the trace, the review and the note: " + ", ".join(kinds))
        check(any("paid by Satoshi" in n["text"] for n in case["notes"]), "the note is in case.json")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("browser-workspace: all checks passed")


if __name__ == "__main__":
    main()
