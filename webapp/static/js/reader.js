// The source reader: select words, give a locator, "Quote this" creates an anchored passage.
// Offsets are counted in code points, as the passage files store them (Python str indices).
const CONTEXT = 32;
const article = document.getElementById("source-text");
const form = document.getElementById("quote-form");
const preview = document.getElementById("quote-preview");
const status = form.querySelector(".quote-status");
let selected = null;

function codePoints(text) {
  return Array.from(text).length;
}

function currentSelection() {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!article.contains(range.commonAncestorContainer)) return null;
  const before = document.createRange();
  before.setStart(article, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const whole = Array.from(article.textContent);
  const exact = range.toString();
  const start = codePoints(before.toString());
  const end = start + codePoints(exact);
  if (!exact.trim()) return null;
  return {
    exact,
    start,
    end,
    prefix: whole.slice(Math.max(0, start - CONTEXT), start).join(""),
    suffix: whole.slice(end, end + CONTEXT).join(""),
  };
}

document.addEventListener("selectionchange", () => {
  const found = currentSelection();
  if (!found) return;
  selected = found;
  preview.textContent = found.exact;
  form.hidden = false;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!selected) return;
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
    status.textContent = doc.field ? `${doc.field}: ${doc.error}` : doc.error;
    return;
  }
  location.assign(`/passages/${encodeURIComponent(doc.id)}`);
});
