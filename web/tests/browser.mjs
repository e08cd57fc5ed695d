// Headless-browser driver for the relay's web viewer tests (run by the Rust tests with node):
// opens a session link in Debian's Chromium through playwright-core, waits for text on the
// terminal, types, takes a screenshot, and prints one JSON object with what it saw.
//
// usage: node browser.mjs URL --wait TEXT [--type TEXT] [--then-wait TEXT] [--screenshot PATH]
//        [--timeout MS] [--trust-spki BASE64]
// --trust-spki: accept the HTTPS certificate whose public key has this SHA-256 (a test's own
// certificate, trusted the way Chromium pins one; nothing else is trusted beyond the system).
import { chromium } from "playwright-core";
import { inkPixels } from "./ink.mjs";

function parse(argv) {
  const options = { url: argv[0], timeout: 20000 };
  for (let i = 1; i < argv.length; i += 2) {
    options[argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  options.timeout = Number(options.timeout);
  return options;
}

const options = parse(process.argv.slice(2));
const result = { ok: false };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ...(options.trustSpki ? [`--ignore-certificate-errors-spki-list=${options.trustSpki}`] : []),
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const response = await page.goto(options.url);
  result.status = response ? response.status() : null;
  result.csp = response ? response.headers()["content-security-policy"] || null : null;
  const screen = () => page.evaluate(() => {
    const t = window.tmateTerminal;
    if (!t) return "";
    const lines = [];
    const buffer = t.buffer.active;
    for (let y = 0; y < t.rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\n");
  });
  const waitFor = async (text) => {
    const started = Date.now();
    while (Date.now() - started < options.timeout) {
      if ((await screen()).includes(text)) return Date.now() - started;
      await page.waitForTimeout(20);
    }
    throw new Error("never saw " + JSON.stringify(text) + " on:\n" + (await screen()));
  };
  await waitFor(options.wait);
  result.readOnlyBanner = await page.evaluate(() => {
    const b = document.getElementById("banner");
    return b && !b.hidden ? b.textContent : null;
  });
  if (options.type) {
    await page.locator(".xterm-helper-textarea").focus();
    const typedAt = Date.now();
    await page.keyboard.type(options.type);
    await page.keyboard.press("Enter");
    if (options.thenWait) {
      await waitFor(options.thenWait);
      result.thenWaitMs = Date.now() - typedAt;
    } else {
      // Let the keys leave the browser before the caller checks that nothing arrived.
      await page.waitForFunction(() => !window.tmateSocketBusy || !window.tmateSocketBusy());
      await page.waitForTimeout(300);
    }
  }
  result.bytes = await page.evaluate(() => (window.tmateStats || {}).bytes || 0);
  if (options.screenshot) {
    const png = await page.screenshot({ path: options.screenshot });
    // How many pixels differ from the background: a blank page has none.
    result.inkPixels = await inkPixels(page, png);
  }
  result.screen = await screen();
  result.errors = errors;
  result.ok = true;
} catch (error) {
  result.error = String(error && error.stack || error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
