// Interactive headless-browser driver for the web viewer's multi-page tests (run by
// crates/tmate-relay/tests/web_viewer.rs with node): keeps several pages of Debian's Chromium
// open through playwright-core (desktop windows or an emulated phone), and runs one command per
// line of standard input, a JSON object, answering each with one JSON line on standard output:
// {"ok":true,"value":...} or {"ok":false,"error":"..."}. Every wait has the command's timeout.
//
// Commands ({"op": ..., "page": NAME, ...}):
//   open {url, device: "desktop"|"phone", width, height, clipboard}  a page in its own context
//   waitText {text}           until the terminal's screen shows text; value: the screen
//   waitFor {expr}            until the page expression is truthy; value: its value
//   eval {expr}               value: the page expression's value
//   click {selector}          click (tap on a phone) an element
//   type {text} / press {key} keys to the focused terminal
//   clickText {text}          hover then click a word on the terminal; value: a popup's URL
//   screenshot {path}         value: {inkPixels} (pixels brighter than the background)
//   rowInk {text}             value: {text: [...], blank: [...]}, bright pixels of the rows
//                             showing text and of the blank rows
//   viewport {width, height}  resize the page's window
//   reload                    load the page again
//   errors                    value: the page's errors so far
//   close                     close the page
import { chromium, devices } from "playwright-core";
import { createInterface } from "node:readline";
import { inkPixels } from "./ink.mjs";

const TIMEOUT = Number(process.env.PAGES_TIMEOUT || 20000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    // Software WebGL on (as a desktop has it): a renderer that draws nothing on a phone's
    // screen shows up as a blank screenshot.
    "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
    "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const pages = new Map();

const screen = (page) => page.evaluate(() => {
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

async function open(command) {
  const phone = command.device === "phone";
  const options = phone ? { ...devices["Pixel 7"] } :
    { viewport: { width: command.width || 1000, height: command.height || 600 } };
  if (command.clipboard) options.permissions = ["clipboard-read", "clipboard-write"];
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const response = await page.goto(command.url);
  pages.set(command.page, { page, context, errors, phone });
  return { status: response ? response.status() : null };
}

async function run(command) {
  if (command.op === "open") return open(command);
  const entry = pages.get(command.page);
  if (!entry) throw new Error("no page " + command.page);
  const { page } = entry;
  switch (command.op) {
    case "waitText": {
      const started = Date.now();
      while (Date.now() - started < TIMEOUT) {
        const text = await screen(page);
        if (text.includes(command.text)) return text;
        await page.waitForTimeout(20);
      }
      throw new Error("never saw " + JSON.stringify(command.text) + " on:\n" + (await screen(page)));
    }
    case "waitFor": {
      // Polled with evaluate (CDP), not waitForFunction: the page's CSP forbids eval.
      const started = Date.now();
      let value;
      while (Date.now() - started < TIMEOUT) {
        value = await page.evaluate(command.expr);
        if (value) return value;
        await page.waitForTimeout(20);
      }
      throw new Error("never true: " + command.expr + " (last " + JSON.stringify(value) + ")");
    }
    case "eval":
      return page.evaluate(command.expr);
    case "click":
      if (entry.phone) await page.locator(command.selector).tap({ timeout: TIMEOUT });
      else await page.locator(command.selector).click({ timeout: TIMEOUT });
      return null;
    case "type":
      await page.locator(".xterm-helper-textarea").focus();
      await page.keyboard.type(command.text);
      return null;
    case "press":
      await page.locator(".xterm-helper-textarea").focus();
      await page.keyboard.press(command.key);
      return null;
    case "clickText": {
      // The word's first cell, from the terminal's grid and the screen element's box.
      const at = await page.evaluate((text) => {
        const t = window.tmateTerminal;
        const buffer = t.buffer.active;
        for (let y = 0; y < t.rows; y++) {
          const line = buffer.getLine(buffer.viewportY + y);
          const x = line ? line.translateToString(true).indexOf(text) : -1;
          if (x >= 0) {
            const box = t.element.querySelector(".xterm-screen").getBoundingClientRect();
            const w = box.width / t.cols;
            const h = box.height / t.rows;
            return { x: box.left + (x + 2.5) * w, y: box.top + (y + 0.5) * h };
          }
        }
        return null;
      }, command.text);
      if (!at) throw new Error("no " + JSON.stringify(command.text) + " on the terminal");
      await page.mouse.move(at.x, at.y);
      // xterm.js marks a hovered link with a pointer cursor once its provider found it.
      await page.waitForSelector(".xterm-cursor-pointer", { timeout: TIMEOUT });
      const popup = page.waitForEvent("popup", { timeout: TIMEOUT });
      await page.mouse.click(at.x, at.y);
      const opened = await popup;
      // A `noopener` popup starts as about:blank, or (Chromium 156.0.8078.129) with no URL
      // at all, until its navigation commits.
      const blank = (u) => u === "" || u === "about:blank";
      const url = blank(opened.url()) ?
        await opened.waitForURL((u) => !blank(u.href), { timeout: TIMEOUT })
          .then(() => opened.url(), () => opened.url()) : opened.url();
      await opened.close();
      return url;
    }
    case "screenshot": {
      const png = await page.screenshot({ path: command.path, scale: "css" });
      return { inkPixels: await inkPixels(page, png) };
    }
    case "rowInk": {
      // Bright pixels of each terminal row that shows `text` and of each blank row: what the
      // renderer drew where the buffer has text and where it has none.
      const rows = await page.evaluate((text) => {
        const t = window.tmateTerminal;
        const buffer = t.buffer.active;
        const box = t.element.querySelector(".xterm-screen").getBoundingClientRect();
        const h = box.height / t.rows;
        const out = { text: [], blank: [] };
        for (let y = 0; y < t.rows; y++) {
          const line = buffer.getLine(buffer.viewportY + y);
          const content = line ? line.translateToString(true) : "";
          const clip = { x: box.left, y: box.top + y * h + 1, width: box.width, height: h - 2 };
          if (content.includes(text)) out.text.push(clip);
          else if (content.trim() === "") out.blank.push(clip);
        }
        return out;
      }, command.text);
      await page.evaluate(() => { const bar = document.getElementById("toolbar"); if (bar) bar.style.visibility = "hidden"; });
      const ink = async (clip) => inkPixels(page, await page.screenshot({ clip, scale: "css" }));
      const result = { text: [], blank: [] };
      for (const clip of rows.text) result.text.push(await ink(clip));
      for (const clip of rows.blank) result.blank.push(await ink(clip));
      await page.evaluate(() => { const bar = document.getElementById("toolbar"); if (bar) bar.style.visibility = ""; });
      return result;
    }
    case "viewport":
      await page.setViewportSize({ width: command.width, height: command.height });
      return null;
    case "reload":
      await page.reload();
      return null;
    case "errors":
      return entry.errors;
    case "close":
      await entry.context.close();
      pages.delete(command.page);
      return null;
    default:
      throw new Error("unknown op " + command.op);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = { ok: true, value: await run(JSON.parse(line)) };
  } catch (error) {
    answer = { ok: false, error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(answer === undefined ? null : answer) + "\n");
}
await browser.close();
