// "Copy citation" buttons: fetch the formatted text from the API and put it on the clipboard.
const section = document.querySelector(".copy-citations");
const status = section.querySelector(".copy-status");

async function copy(button) {
  const params = new URLSearchParams({ style: button.dataset.style, format: "text" });
  let url = `${section.dataset.api}?${params}`;
  if (button.dataset.kind === "bibliography") {
    params.set("mode", "bibliography");
    url = `${section.dataset.refApi}?${params}`;
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const doc = await response.json();
  if (!response.ok) {
    status.textContent = doc.error || "Could not format the citation.";
    return;
  }
  if (doc.omitted) {
    // The style leaves this work out of bibliographies: say why rather than copy nothing.
    status.textContent = `Nothing to copy: ${doc.omitted}.`;
    return;
  }
  try {
    await navigator.clipboard.writeText(doc.text);
    status.textContent = `Copied: ${doc.text}`;
  } catch {
    status.textContent = `Copy this: ${doc.text}`;
  }
}

for (const button of section.querySelectorAll("button[data-style]")) {
  button.addEventListener("click", () => copy(button));
}
