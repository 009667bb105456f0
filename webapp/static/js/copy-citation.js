// "Copy citation": the quote with its citation, the citation or footnote alone, the
// bibliography entry, or pandoc's Markdown, put on the clipboard as HTML (italic titles,
// curly quotes: what a word processor pastes) and as plain text, from the citation API.
const section = document.querySelector(".copy-citations");
const status = section.querySelector(".copy-status");
const styleChoice = section.querySelector("#copy-style");
const STYLE_KEY = "florilegium.copyStyle";
const LABELS = {
  quote: "the quote with its citation",
  citation: "the citation",
  note: "the footnote",
  bibliography: "the bibliography entry",
  markdown: "the Markdown citation",
};

// A style that leaves the work out of its bibliography, or an error from the API: said in
// the status line, and nothing is copied.
class Refusal extends Error {}

function chosenStyle() {
  return styleChoice.value;
}

// A note style is cited in footnotes; an in-text style in the text: one button or the other.
function showButtonsForStyle() {
  const notes = styleChoice.selectedOptions[0]?.dataset.notes === "true";
  section.querySelector('[data-kind="citation"]').hidden = notes;
  section.querySelector('[data-kind="note"]').hidden = !notes;
}

async function fetchFormat(url, format) {
  const response = await fetch(`${url}&format=${format}`, { headers: { Accept: "application/json" } });
  const doc = await response.json();
  if (!response.ok) throw new Refusal(doc.error || "Could not format the citation.");
  // The style leaves this work out of bibliographies: say why rather than copy nothing.
  if (doc.omitted) throw new Refusal(`Nothing to copy: ${doc.omitted}.`);
  return doc[format];
}

function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

// Both flavours of one citation: {html, text}, or a Refusal.
async function formatted(kind) {
  if (kind === "markdown") {
    const text = section.querySelector('[data-kind="markdown"]').dataset.text;
    return { html: escapeHtml(text), text };
  }
  const params = new URLSearchParams({ style: chosenStyle() });
  let url;
  if (kind === "bibliography") {
    params.set("mode", "bibliography");
    url = `${section.dataset.refApi}?${params}`;
  } else {
    if (kind !== "quote") params.set("mode", kind);
    url = `${section.dataset.api}?${params}`;
  }
  const [html, text] = await Promise.all([fetchFormat(url, "html"), fetchFormat(url, "text")]);
  return { html, text };
}

// The Clipboard API with one item of two flavours. The item is handed promises, so the
// write starts within the click (as Safari requires) while the citation is fetched.
async function writeRich(pending) {
  const blob = (type, flavour) => pending.then((doc) => new Blob([doc[flavour]], { type }));
  await navigator.clipboard.write([
    new ClipboardItem({ "text/html": blob("text/html", "html"), "text/plain": blob("text/plain", "text") }),
  ]);
}

// Browsers without ClipboardItem: the copy command, whose event carries both flavours.
function writeWithCopyEvent(doc) {
  const fill = (event) => {
    event.clipboardData.setData("text/html", doc.html);
    event.clipboardData.setData("text/plain", doc.text);
    event.preventDefault();
  };
  document.addEventListener("copy", fill);
  try {
    return document.execCommand("copy");
  } finally {
    document.removeEventListener("copy", fill);
  }
}

function say(message, state) {
  status.textContent = message;
  status.classList.toggle("copied", state === "copied");
  status.classList.toggle("refused", state === "refused");
}

async function copy(button) {
  const kind = button.dataset.kind;
  const pending = formatted(kind);
  pending.catch(() => {}); // its failure is reported below, once
  say(`Copying ${LABELS[kind]}…`);
  try {
    if (window.ClipboardItem && navigator.clipboard?.write) {
      await writeRich(pending);
    } else if (!writeWithCopyEvent(await pending)) {
      throw new Error("the browser refused to copy");
    }
    say(`Copied: ${(await pending).text}`, "copied");
  } catch (error) {
    const refusal = await pending.then(() => null, (failure) => failure);
    if (refusal) {
      say(refusal instanceof Refusal ? refusal.message : "Could not reach the server.", "refused");
    } else {
      // Formatted, but the clipboard was refused (no permission): show it to copy by hand.
      say(`Copy this: ${(await pending).text}`, "refused");
    }
  }
}

const remembered = localStorage.getItem(STYLE_KEY);
if (remembered && [...styleChoice.options].some((option) => option.value === remembered)) {
  styleChoice.value = remembered;
}
showButtonsForStyle();
styleChoice.addEventListener("change", () => {
  localStorage.setItem(STYLE_KEY, chosenStyle());
  showButtonsForStyle();
});
for (const button of section.querySelectorAll("button[data-kind]")) {
  button.addEventListener("click", () => copy(button));
}
