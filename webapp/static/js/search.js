// The search page: results as you type, from GET /api/search (see the contract).
// At most one request per 150 ms, answers to older queries dropped, query kept in the URL.
// Hits with every word are listed first; those with only some of them form a group of
// their own, each saying which words it lacks.
const DEBOUNCE_MS = 150;
// The facets sit beside the results from this width on, and fold away below it.
const SIDEBAR_WIDTH = "(min-width: 56rem)";

const form = document.querySelector(".search-form");
const box = document.getElementById("q");
const results = document.getElementById("results");
const fullList = document.getElementById("hits");
const partial = document.getElementById("partial");
const partialList = document.getElementById("partial-hits");
const partialHeading = document.getElementById("partial-heading");
const count = document.getElementById("result-count");
const facets = document.getElementById("facets");
const facetsPanel = document.getElementById("facets-panel");
const paging = document.getElementById("paging");
const api = form.dataset.api;
const pageSize = Number(form.dataset.pageSize) || 20;

let timer = null;
let latest = 0;
let controller = null;
let focusFirstHit = false;
let offset = Number(new URLSearchParams(location.search).get("offset")) || 0;

function hitHref(hit) {
  if (hit.kind === "reference") return `/refs/${encodeURIComponent(hit.citekey)}`;
  if (hit.kind === "note") {
    return `/passages/${encodeURIComponent(hit.passage_id)}#note-${encodeURIComponent(hit.id)}`;
  }
  return `/passages/${encodeURIComponent(hit.id)}`;
}

// Snippets and short citations are escaped HTML with <mark> or <i> tags: parsed in an
// inert document and copied over as text and those two tags only, never as live HTML.
const KEPT_TAGS = new Set(["MARK", "I"]);

function safeNodes(html) {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html || ""}`, "text/html");
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return [document.createTextNode(node.textContent)];
    if (node.nodeType !== Node.ELEMENT_NODE) return [];
    const children = [...node.childNodes].flatMap(copy);
    if (!KEPT_TAGS.has(node.tagName)) return children;
    const element = document.createElement(node.tagName.toLowerCase());
    element.append(...children);
    return [element];
  };
  return [...parsed.body.childNodes].flatMap(copy);
}

function hitItem(hit) {
  const item = document.createElement("li");
  item.className = "hit";
  const link = document.createElement("a");
  link.className = "hit-link";
  link.href = hitHref(hit);
  if (hit.short_citation) link.append(...safeNodes(hit.short_citation.html));
  else link.textContent = hit.citekey;
  if (hit.kind !== "passage") {
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = hit.kind;
    link.append(" ", kind);
  }
  const snippet = document.createElement("p");
  snippet.className = "snippet";
  snippet.append(...safeNodes(hit.snippet || escapeText(hit.text)));
  item.append(link, snippet);
  const how = matchNote(hit);
  if (how) item.append(how);
  return item;
}

function escapeText(text) {
  const span = document.createElement("span");
  span.textContent = text || "";
  return span.innerHTML;
}

function renderHits(doc) {
  const full = doc.hits.filter((hit) => hit.match !== "some");
  const some = doc.hits.filter((hit) => hit.match === "some");
  fullList.replaceChildren(...full.map(hitItem));
  fullList.hidden = !full.length;
  partialList.replaceChildren(...some.map(hitItem));
  partial.hidden = !some.length;
  const all = doc.matched_all ?? doc.total;
  const more = doc.total - all;
  const counted = document.createElement("span");
  counted.className = "count";
  counted.textContent = `(${more})`;
  partialHeading.replaceChildren("Matching some of your words", ...(more > 0 ? [" ", counted] : []));
  count.textContent = countText(doc);
  renderSuggestion(doc);
}

// The count of hits with every word; when none has them all, of those with some.
function countText(doc) {
  const plural = (n) => `${n} result${n === 1 ? "" : "s"}`;
  const all = doc.matched_all ?? doc.total;
  if (doc.total === 0) return "No results";
  if (all === 0) return `${plural(doc.total)} matching some of your words`;
  return plural(Math.min(all, doc.total));
}

// Hits that lack some of the query's words say which; near spellings say so.
function matchNote(hit) {
  const note = document.createElement("p");
  note.className = "match";
  if (hit.match === "some") {
    const words = (hit.missing || []).map((word) => {
      const struck = document.createElement("s");
      struck.textContent = word;
      return struck;
    });
    note.append("Missing: ", ...words.flatMap((word, i) => (i ? [", ", word] : [word])));
  } else if (hit.match === "fuzzy") {
    note.textContent = "A similar spelling matched";
  } else {
    return null;
  }
  return note;
}

function renderSuggestion(doc) {
  const line = document.getElementById("suggestion");
  if (!line) return;
  if (!doc.suggestion) { line.hidden = true; line.replaceChildren(); return; }
  const link = document.createElement("a");
  link.href = `?q=${encodeURIComponent(doc.suggestion)}`;
  link.textContent = doc.suggestion;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    box.value = doc.suggestion;
    offset = 0;
    search();
  });
  line.replaceChildren("Did you mean ", link, "?");
  line.hidden = false;
}

// Facets narrow the query with field terms (`kind:note`, `citekey:freeze2009`); pressing a
// pressed one takes its term out again.
const FACET_LABELS = { kind: "Kind", citekey: "Reference", year: "Year", tag: "Tag" };
const KIND_LABELS = { passage: "Passages", note: "Notes", reference: "References" };

function facetTerm(field, value) {
  return /[\s"]/.test(value) ? `${field}:"${value.replaceAll('"', "")}"` : `${field}:${value}`;
}

// Kinds in a fixed order; other values by count, largest first (JSON objects lose order).
function facetOrder(field) {
  const kinds = Object.keys(KIND_LABELS);
  if (field === "kind") return ([a], [b]) => kinds.indexOf(a) - kinds.indexOf(b);
  return ([a, m], [b, n]) => n - m || a.localeCompare(b);
}

function queryTerms() {
  return box.value.match(/\S+:"[^"]*"|\S+/g) || [];
}

function toggleTerm(term) {
  const terms = queryTerms();
  const kept = terms.filter((t) => t.toLowerCase() !== term.toLowerCase());
  box.value = (kept.length === terms.length ? [...terms, term] : kept).join(" ");
  offset = 0;
  search();
}

// A group shows its first few values; "Show all" (remembered while the page is open)
// lists the rest. A pressed value is always shown.
const FACETS_SHOWN = 8;
const expandedFacets = new Set();

function facetName(doc, field, value) {
  if (field === "kind") return KIND_LABELS[value] || value;
  if (field === "citekey") return doc.facet_labels?.citekey?.[value] || value;
  return value;
}

function facetButton(doc, field, value, n, pressed) {
  const term = facetTerm(field, value);
  const button = document.createElement("button");
  button.type = "button";
  const name = document.createElement("span");
  name.className = "facet-name";
  name.textContent = facetName(doc, field, value);
  const count = document.createElement("span");
  count.className = "facet-count";
  count.textContent = String(n);
  button.append(name, " ", count);
  if (field === "citekey") button.title = value;
  button.setAttribute("aria-pressed", String(pressed));
  button.addEventListener("click", () => toggleTerm(term));
  return button;
}

function renderFacets(doc) {
  const used = new Set(queryTerms().map((t) => t.toLowerCase()));
  const groups = [];
  const fields = Object.keys(FACET_LABELS).filter((f) => f in (doc.facets || {}));
  for (const field of fields) {
    const entries = Object.entries(doc.facets[field]).sort(facetOrder(field));
    if (!entries.length) continue;
    const group = document.createElement("div");
    group.setAttribute("role", "group");
    group.id = `facet-${field}`;
    const heading = document.createElement("h2");
    heading.id = `facet-${field}-heading`;
    heading.textContent = FACET_LABELS[field];
    group.setAttribute("aria-labelledby", heading.id);
    group.append(heading);
    const expanded = expandedFacets.has(field) || entries.length <= FACETS_SHOWN + 1;
    entries.forEach(([value, n], index) => {
      const pressed = used.has(facetTerm(field, value).toLowerCase());
      if (expanded || index < FACETS_SHOWN || pressed) {
        group.append(facetButton(doc, field, value, n, pressed));
      }
    });
    if (!expanded) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "facet-more";
      more.textContent = `Show all ${entries.length}`;
      more.addEventListener("click", () => {
        expandedFacets.add(field);
        renderFacets(doc);
        document.querySelectorAll(`#facet-${field} button`)[FACETS_SHOWN]?.focus();
      });
      group.append(more);
    }
    groups.push(group);
  }
  facets.replaceChildren(...groups);
}

function renderPaging(doc) {
  const buttons = [];
  const page = (label, newOffset) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", () => {
      offset = newOffset;
      focusFirstHit = true; // the pressed button may vanish: keep keyboard users in the list
      search();
    });
    buttons.push(button);
  };
  if (doc.offset > 0) page("Previous results", Math.max(0, doc.offset - pageSize));
  if (doc.offset + doc.hits.length < doc.total) page("More results", doc.offset + pageSize);
  paging.replaceChildren(...buttons);
}

function keepInUrl(query) {
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  if (offset) url.searchParams.set("offset", String(offset)); else url.searchParams.delete("offset");
  history.replaceState(null, "", url);
}

async function search() {
  const query = box.value;
  const ticket = ++latest;
  keepInUrl(query);
  if (controller) controller.abort();
  if (!query.trim()) {
    fullList.replaceChildren();
    partialList.replaceChildren();
    partial.hidden = true;
    facets.replaceChildren();
    paging.replaceChildren();
    count.textContent = "";
    renderSuggestion({});
    return;
  }
  controller = new AbortController();
  const params = new URLSearchParams({ q: query, limit: String(pageSize), offset: String(offset) });
  try {
    const response = await fetch(`${api}?${params}`, {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    });
    const doc = await response.json();
    if (ticket !== latest) return; // a newer query was typed meanwhile
    if (!response.ok) {
      count.textContent = doc.error || "Search failed.";
      return;
    }
    renderHits(doc);
    renderFacets(doc);
    renderPaging(doc);
    if (focusFirstHit) resultLinks()[0]?.focus();
    focusFirstHit = false;
  } catch (error) {
    if (error.name !== "AbortError" && ticket === latest) count.textContent = "Search failed.";
  }
}

box.addEventListener("input", () => {
  offset = 0;
  clearTimeout(timer);
  timer = setTimeout(search, DEBOUNCE_MS);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  search();
});

function resultLinks() {
  return [...results.querySelectorAll("a.hit-link")];
}

document.addEventListener("keydown", (event) => {
  const typing = event.target instanceof HTMLElement &&
    (event.target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName));
  if (event.key === "/" && !typing) {
    event.preventDefault();
    box.focus();
    box.select();
    return;
  }
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = resultLinks();
  if (!links.length) return;
  const index = links.indexOf(document.activeElement);
  if (event.target === box && event.key === "ArrowDown") {
    event.preventDefault();
    links[0].focus();
  } else if (index >= 0) {
    event.preventDefault();
    if (event.key === "ArrowDown") links[Math.min(index + 1, links.length - 1)].focus();
    else if (index === 0) box.focus();
    else links[index - 1].focus();
  }
});

// Beside the results on a wide screen; folded away (one tap to open) on a narrow one.
const wide = window.matchMedia(SIDEBAR_WIDTH);
facetsPanel.open = wide.matches;
wide.addEventListener("change", () => { facetsPanel.open = wide.matches; });

if (box.value.trim()) search();
