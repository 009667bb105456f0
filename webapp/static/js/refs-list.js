// The references list: filter as you type and sort by a column, without a round trip.
const input = document.getElementById("filter");
const sortSelect = document.getElementById("sort");
const table = document.getElementById("refs-table");
const body = table.tBodies[0];
const count = document.getElementById("ref-count");

function rows() {
  return [...body.rows];
}

function applyFilter() {
  const needle = input.value.trim().toLocaleLowerCase();
  let shown = 0;
  for (const row of rows()) {
    const haystack = [row.dataset.citekey, row.dataset.title, row.dataset.year, row.dataset.authors]
      .join(" ").toLocaleLowerCase();
    row.hidden = needle !== "" && !haystack.includes(needle);
    if (!row.hidden) shown += 1;
  }
  count.textContent = `${shown} reference${shown === 1 ? "" : "s"}`;
  keepInUrl();
}

function sortBy(key) {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const sorted = rows().sort((a, b) =>
    collator.compare(a.dataset[key] || "", b.dataset[key] || "") ||
    collator.compare(a.dataset.citekey, b.dataset.citekey));
  body.append(...sorted);
  for (const th of table.tHead.rows[0].cells) {
    const link = th.querySelector("a");
    if (link && link.dataset.sort === key) th.setAttribute("aria-sort", "ascending");
    else th.removeAttribute("aria-sort");
  }
  sortSelect.value = key;
  keepInUrl();
}

function keepInUrl() {
  const url = new URL(location.href);
  if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
  url.searchParams.set("sort", sortSelect.value);
  history.replaceState(null, "", url);
}

input.addEventListener("input", applyFilter);
sortSelect.addEventListener("change", () => sortBy(sortSelect.value));
for (const link of table.querySelectorAll("th a[data-sort]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    sortBy(link.dataset.sort);
  });
}
input.closest("form").addEventListener("submit", (event) => {
  event.preventDefault();
  applyFilter();
});
