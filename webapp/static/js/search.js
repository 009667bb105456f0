// The search page: results as you type, from GET /api/search (see the contract).
// At most one request per 150 ms, answers to older queries dropped, query kept in the URL.
const DEBOUNCE_MS = 150;

const form = document.querySelector(".search-form");
const box = document.getElementById("q");
const results = document.getElementById("results");
const count = document.getElementById("result-count");
const facets = document.getElementById("facets");
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

// Snippets are escaped text with <mark> tags: rebuild them as nodes, never as live HTML.
function snippetNodes(snippet) {
  const parser = new DOMParser();
  const nodes = [];
  let marked = false;
  for (const part of String(snippet || "").split(/(<\/?mark>)/)) {
    if (part === "<mark>") { marked = true; continue; }
    if (part === "</mark>") { marked = false; continue; }
    // Parsed inside <body> so that leading spaces survive; the parsed document is inert.
    const text = parser.parseFromString(`<!doctype html><body>${part}`, "text/html").body.textContent;
    if (!text) continue;
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}

function renderHits(doc) {
  results.replaceChildren(...doc.hits.map((hit) => {
    const item = document.createElement("li");
    item.className = "hit";
    const link = document.createElement("a");
    link.href = hitHref(hit);
    const where = hit.locator ? `, ${hit.locator.label} ${hit.locator.value}` : "";
    link.textContent = `${hit.citekey}${where}${hit.kind === "passage" ? "" : ` (${hit.kind})`}`;
    const snippet = document.createElement("p");
    snippet.className = "snippet";
    snippet.append(...snippetNodes(hit.snippet || hit.text));
    item.append(link, snippet);
    const how = matchNote(hit);
    if (how) item.append(how);
    return item;
  }));
  count.textContent = countText(doc);
  renderSuggestion(doc);
}

// Hits with every word are counted apart from those with only some (listed after them).
function countText(doc) {
  const plural = (n) => `${n} result${n === 1 ? "" : "s"}`;
  const all = doc.matched_all ?? doc.total;
  const partial = document.getElementById("partial-count");
  if (partial) {
    partial.textContent = all > 0 && all < doc.total
      ? `${doc.total - all} more matching some of your words` : "";
    partial.hidden = !partial.textContent;
  }
  if (all === 0 && doc.total > 0) return `${plural(doc.total)} matching some of your words`;
  return plural(all >= doc.total ? doc.total : all);
}

// Hits that lack some of the query's words say which; near spellings say so.
function matchNote(hit) {
  let text = "";
  if (hit.match === "some") text = `Matching some of your words; missing: ${(hit.missing || []).join(", ")}`;
  else if (hit.match === "fuzzy") text = "Matching a similar spelling";
  if (!text) return null;
  const note = document.createElement("p");
  note.className = "match";
  note.textContent = text;
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
    for (const [value, n] of entries) {
      const term = facetTerm(field, value);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${field === "kind" ? KIND_LABELS[value] || value : value} (${n})`;
      button.setAttribute("aria-pressed", String(used.has(term.toLowerCase())));
      button.addEventListener("click", () => toggleTerm(term));
      group.append(button);
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
    results.replaceChildren();
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
    if (focusFirstHit) results.querySelector("a")?.focus();
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
  return [...results.querySelectorAll("a")];
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

if (box.value.trim()) search();
