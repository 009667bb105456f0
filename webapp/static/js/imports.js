// Importing in the browser: the upload's and then the import's progress (the server
// streams its steps as JSON lines), the report swapped in without leaving the page, and
// the answer to each entry held back as a duplicate (add anyway or skip) given in place.
// Without this script the same forms post and the server renders the same report.

function progressParts(form) {
  const box = form.querySelector("[data-import-progress]");
  return { box, bar: box.querySelector("progress"), text: box.querySelector("[data-import-progress-text]") };
}

// Put the page the server answered with in place of this one's main content.
function showPage(html) {
  const answer = new DOMParser().parseFromString(html, "text/html");
  const main = document.getElementById("main");
  const arrived = answer.getElementById("main");
  if (!arrived) return false;
  main.replaceChildren(...arrived.childNodes);
  document.title = answer.title;
  const focus = main.querySelector("[autofocus]") || main.querySelector("h1") || main;
  focus.focus();
  return true;
}

// What each stage of an import is called on the bar.
const STAGES = {
  reading: "Reading the file",
  matching: "Matching annotations",
  checking: "Checking entries",
  writing: "Writing",
  indexing: "Updating the search index",
};

function upload(form) {
  const { box, bar, text } = progressParts(form);
  const button = form.querySelector("button[type=submit]");
  box.hidden = false;
  bar.value = 0;
  text.textContent = "Uploading…";
  button.disabled = true;
  const request = new XMLHttpRequest();
  let read = 0;
  let shown = false;
  const fail = (message) => {
    button.disabled = false;
    text.textContent = message;
  };
  // The answer is JSON lines: progress steps, then the page to show (or an error).
  const readLines = () => {
    const lines = request.responseText.slice(read).split("\n");
    const complete = lines.slice(0, -1);
    read += complete.reduce((length, line) => length + line.length + 1, 0);
    for (const line of complete) {
      if (!line.trim()) continue;
      const step = JSON.parse(line);
      if (step.html !== undefined) {
        shown = showPage(step.html);
      } else if (step.error) {
        fail(`The import failed: ${step.error}`);
      } else {
        bar.value = step.total ? Math.round((step.done / step.total) * 100) : 0;
        const label = STAGES[step.stage] || step.stage;
        text.textContent = step.total > 1 ? `${label}: ${step.done} of ${step.total}` : `${label}…`;
      }
    }
  };
  request.open("POST", form.action);
  request.setRequestHeader("Accept", "application/x-ndjson");
  request.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    const percent = Math.round((event.loaded / event.total) * 100);
    bar.value = percent;
    text.textContent = `Uploading… ${percent}%`;
  });
  request.upload.addEventListener("load", () => {
    text.textContent = "Uploaded; importing…";
  });
  request.addEventListener("progress", readLines);
  request.addEventListener("load", () => {
    if (request.getResponseHeader("Content-Type")?.startsWith("application/x-ndjson")) {
      readLines();
    } else {
      shown = showPage(request.responseText);  // a page of its own: a refusal, a login
    }
    if (!shown && button.disabled) fail(`The import failed (HTTP ${request.status}).`);
  });
  request.addEventListener("error", () => fail("The upload failed: the server could not be reached."));
  request.send(new FormData(form));
}

function say(outcome, parts) {
  outcome.replaceChildren(...parts.map((part) => (typeof part === "string" ? document.createTextNode(part) : part)));
}

async function answerHeld(form, choice) {
  const outcome = form.querySelector("[data-held-outcome]");
  const buttons = [...form.querySelectorAll("button")];
  if (choice !== "add") {
    buttons.forEach((button) => button.remove());
    say(outcome, ["Skipped: nothing was added."]);
    return;
  }
  buttons.forEach((button) => { button.disabled = true; });
  const bibtex = form.elements.namedItem("bibtex").value;
  try {
    const response = await fetch(form.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ text: bibtex, format: "bibtex", duplicates: "add" }),
    });
    const body = await response.json();
    if (!response.ok || !body.added || body.added.length === 0) {
      buttons.forEach((button) => { button.disabled = false; });
      outcome.setAttribute("role", "alert");
      say(outcome, [`Not added: ${body.error || "nothing came in"}`]);
      return;
    }
    buttons.forEach((button) => button.remove());
    const citekey = body.added[0];
    const link = document.createElement("a");
    link.href = `${form.dataset.refs}/${encodeURIComponent(citekey)}`;
    link.textContent = citekey;
    say(outcome, ["Added as ", link, "."]);
  } catch (error) {
    buttons.forEach((button) => { button.disabled = false; });
    say(outcome, [`Not added: ${error.message}`]);
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("[data-import-form]")) {
    event.preventDefault();
    upload(form);
  } else if (form.matches("[data-held-entry]")) {
    event.preventDefault();
    answerHeld(form, event.submitter ? event.submitter.value : "add");
  }
});
