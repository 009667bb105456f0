// The source reader. A highlight is a link to #passage-ID: following it (or arriving with
// that hash) opens the passage in the side panel. Selecting words shows a "Quote" button,
// which opens the add-passage form in the panel with the words and their page filled in:
// the server reads the page markers (annotations/pagemarkers.py) and hands the page starts
// over in data-pages; here we only look up the last one at or before an offset.
// Offsets are counted in code points, as the passage files store them (Python str indices).
import { clearFieldErrors, showFieldError } from "./forms.js";

const CONTEXT = 32;
const article = document.getElementById("source-text");
const panel = document.getElementById("reader-panel");
const hint = document.getElementById("panel-hint");
const form = document.getElementById("quote-form");
const quoteButton = document.getElementById("quote-button");
const pageStarts = JSON.parse(article.dataset.pages || "[]");
let selected = null;

function codePoints(text) {
  return Array.from(text).length;
}

// The page of the character at `offset`, or null when the text marks no pages.
function pageAt(offset) {
  let page = null;
  for (const [start, value] of pageStarts) {
    if (start > offset) break;
    page = value;
  }
  return page;
}

// "41", or "41-42" for a quote running onto the next page; its last character decides.
function pagesOf(start, end) {
  const first = pageAt(start);
  const last = pageAt(Math.max(start, end - 1));
  if (first === null) return "";
  return last === null || last === first ? first : `${first}-${last}`;
}

// Scroll `box` (a rectangle in the viewport) to the middle of the text in view: above the
// panel when it is a sheet over the bottom of a phone's screen, else the whole window.
function bringIntoView(box) {
  const sheet = panel.getBoundingClientRect();
  const isSheet = panel.classList.contains("open") && sheet.top > 0 &&
    sheet.bottom >= window.innerHeight - 1 && sheet.width >= window.innerWidth - 1;
  const visible = isSheet ? sheet.top : window.innerHeight;
  if (box.top >= 0 && box.bottom <= visible) return;
  window.scrollBy({ top: box.top - Math.max(8, (visible - box.height) / 2) });
}

function showInPanel(element) {
  for (const child of panel.querySelectorAll(".panel-passage, .quote-form")) {
    child.hidden = child !== element;
  }
  hint.hidden = element !== null;
  panel.classList.toggle("open", element !== null);
}

// ---- Passages ------------------------------------------------------------------------
function openPassageFromHash({ focus }) {
  const match = /^#passage-(.+)$/.exec(location.hash);
  const section = match && document.getElementById(`panel-${decodeURIComponent(match[1])}`);
  if (!section) return;
  showInPanel(section);
  for (const link of article.querySelectorAll("mark a[aria-current]")) {
    link.removeAttribute("aria-current");
  }
  const target = document.getElementById(`passage-${decodeURIComponent(match[1])}`);
  target?.querySelector("a")?.setAttribute("aria-current", "true");
  if (target) bringIntoView(target.getBoundingClientRect());
  if (focus) section.focus({ preventScroll: true });
}

article.addEventListener("click", (event) => {
  const link = event.target.closest("mark a");
  if (!link) return;
  // The end of a drag that selected words is no click on a highlight.
  if (!document.getSelection().isCollapsed) {
    event.preventDefault();
  } else if (link.hash === location.hash) {
    // Its passage again (the quote form may hold the panel): no hashchange comes.
    event.preventDefault();
    openPassageFromHash({ focus: true });
  }
});
window.addEventListener("hashchange", () => openPassageFromHash({ focus: true }));
openPassageFromHash({ focus: false });
// The browser scrolls a deep link's target to the top once the page has loaded; put it
// back where the panel leaves it in view.
window.addEventListener("load", () => requestAnimationFrame(() => openPassageFromHash({ focus: false })));

function closePanel() {
  const open = panel.querySelector(".panel-passage:not([hidden]), .quote-form:not([hidden])");
  showInPanel(null);
  if (open?.classList.contains("panel-passage")) {
    history.replaceState(null, "", location.pathname + location.search);
    const link = article.querySelector(`mark a[href="#${open.id.replace("panel-", "passage-")}"]`);
    link?.focus();
  }
}

for (const close of panel.querySelectorAll(".panel-close")) {
  close.addEventListener("click", closePanel);
}
// Escape closes the panel, as it would a dialog, from anywhere but a field being typed in.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !panel.classList.contains("open")) return;
  if (event.target.closest("input, textarea, select")) return;
  closePanel();
});

// ---- Quoting a selection --------------------------------------------------------------
// The range of the words selected in the text, or null. Cheap: it runs on every change of
// the selection while the reader drags.
function selectedRange() {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!article.contains(range.commonAncestorContainer)) return null;
  return range.toString().trim() ? range.cloneRange() : null;
}

// The quote a range selects: its words and where they sit in the text, in code points,
// with the words around them. Leading and trailing white space (a double-click takes the
// space after a word) is left out of the quote, and the offsets moved to match.
function describeRange(range) {
  const before = document.createRange();
  before.setStart(article, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const raw = range.toString();
  const exact = raw.trim();
  const start = codePoints(before.toString()) + codePoints(raw) - codePoints(raw.trimStart());
  const end = start + codePoints(exact);
  const whole = Array.from(article.textContent);
  return {
    exact,
    start,
    end,
    prefix: whole.slice(Math.max(0, start - CONTEXT), start).join(""),
    suffix: whole.slice(end, end + CONTEXT).join(""),
    range,
  };
}

if (form && quoteButton) {
  const status = form.querySelector(".quote-status");
  const origin = document.getElementById("locator-origin");

  let selectedWords = null;
  document.addEventListener("selectionchange", () => {
    const range = selectedRange();
    if (!range) {
      if (!quoteButton.matches(":focus, :hover")) quoteButton.hidden = true;
      return;
    }
    // The words just quoted stay selected while their form is open: no second button.
    if (selected && !form.hidden && range.toString().trim() === selected.exact) return;
    selectedWords = range;
    quoteButton.hidden = false;
    // Just below the selection's end, inside the page's width.
    const rect = range.getBoundingClientRect();
    const left = Math.min(rect.right + window.scrollX, document.documentElement.clientWidth - 90);
    quoteButton.style.setProperty("--quote-top", `${rect.bottom + window.scrollY + 6}px`);
    quoteButton.style.setProperty("--quote-left", `${Math.max(8, left - 40)}px`);
  });

  quoteButton.addEventListener("click", () => {
    if (!selectedWords) return;
    selected = describeRange(selectedWords);
    form.elements.text.value = selected.exact;
    const pages = pagesOf(selected.start, selected.end);
    if (pages) {
      form.elements.label.value = "page";
      form.elements.locator.value = pages;
      origin.textContent = "Page read from the text's page markers; change it if it is wrong.";
    } else {
      origin.textContent = "This text marks no pages: give the locator yourself.";
    }
    status.textContent = "";
    quoteButton.hidden = true;
    showInPanel(form);
    form.focus({ preventScroll: true });
    bringIntoView(selected.range.getBoundingClientRect());
  });

  // "q" quotes the selection too: a keyboard user (caret browsing, F7) need not Tab
  // through every highlight to reach the button.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "q" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (quoteButton.hidden || !selectedRange()) return;
    event.preventDefault();
    quoteButton.click();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!selected) return;
    clearFieldErrors(form);
    const value = form.elements.locator.value.trim();
    const body = {
      citekey: form.elements.citekey.value,
      text: selected.exact,
      locator: value ? { label: form.elements.label.value, value } : null,
      tags: [],
      anchor: {
        source: article.dataset.source,
        quote: { exact: selected.exact, prefix: selected.prefix, suffix: selected.suffix },
        position: { start: selected.start, end: selected.end },
      },
    };
    const response = await fetch(article.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const doc = await response.json();
    if (!response.ok) {
      const placed = showFieldError(form, doc.field, doc.error);
      status.textContent = placed ? "" : doc.field ? `${doc.field}: ${doc.error}` : doc.error;
      return;
    }
    // Back to this text, the new passage highlighted and open in the panel.
    history.replaceState(null, "", `#passage-${encodeURIComponent(doc.id)}`);
    location.reload();
  });
}
