// What every page's forms share: a rejected form shows its first invalid field (focused,
// scrolled into view); a required field left empty is caught before sending, with the
// same markup the server writes (message beside the field, aria-invalid, aria-describedby,
// a summary announced with role=alert); a delete asks first in a <dialog>; the status line
// after an action (a delete's Undo) is announced.

// The first field the server marked invalid, else the place an error summary points at.
function focusFirstProblem(root) {
  let target = root.querySelector('[aria-invalid="true"]');
  if (!target) {
    const link = root.querySelector(".error-summary a[href^='#']");
    target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
  }
  if (!target) return;
  const details = target.closest("details");
  if (details) details.open = true;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
}

function errorFor(field) {
  return document.getElementById(`${field.id}-error`);
}

function clearClientErrors(form) {
  form.querySelectorAll("[data-client-error]").forEach((node) => node.remove());
  form.querySelectorAll('[data-client-invalid="true"]').forEach((field) => {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
    field.removeAttribute("data-client-invalid");
  });
}

function markInvalid(field, message) {
  let error = errorFor(field);
  if (!error) {
    error = document.createElement("p");
    error.className = "field-error";
    error.id = `${field.id}-error`;
    error.dataset.clientError = "true";
    field.insertAdjacentElement("afterend", error);
  }
  error.textContent = message;
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", error.id);
  field.dataset.clientInvalid = "true";
}

function addSummary(form, field, message) {
  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.setAttribute("role", "alert");
  summary.dataset.clientError = "true";
  const paragraph = document.createElement("p");
  const link = document.createElement("a");
  link.href = `#${field.id}`;
  link.textContent = message;
  paragraph.append("Problem: ", link);
  summary.append(paragraph);
  form.prepend(summary);
}

// Required fields left empty: said beside each, the form not sent, nothing typed lost.
function checkRequired(event) {
  const form = event.target;
  clearClientErrors(form);
  const empty = [...form.querySelectorAll("[required]")].filter((field) => !field.value.trim());
  if (!empty.length) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  for (const field of empty) {
    markInvalid(field, field.dataset.requiredMessage || "This field is required.");
  }
  form.querySelectorAll(".error-summary:not([data-client-error])").forEach((old) => old.remove());
  addSummary(form, empty[0], errorFor(empty[0]).textContent);
  focusFirstProblem(form);
}

// An error the JSON API answered for a form sent by script (`{error, field}`), shown as
// the server shows a rejected form's: beside its field, announced, the field focused.
// False when the field is not one of the form's (the caller says it elsewhere).
export function showFieldError(form, field, message) {
  clearClientErrors(form);
  form.querySelectorAll(".error-summary").forEach((old) => old.remove());
  const name = (field || "").endsWith(".label") ? "label" : (field || "").split(".")[0];
  const element = name ? form.elements.namedItem(name) : null;
  if (!(element instanceof HTMLElement) || !element.id) return false;
  markInvalid(element, message);
  addSummary(form, element, message);
  focusFirstProblem(form);
  return true;
}

// Clears what `showFieldError` showed (a later send succeeded, or the form was reset).
export function clearFieldErrors(form) {
  clearClientErrors(form);
}

// The delete dialog: one for the page, filled from the form's data-confirm attributes.
function confirmDialog() {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm-dialog";
  dialog.setAttribute("aria-labelledby", "confirm-title");
  dialog.setAttribute("aria-describedby", "confirm-detail");
  dialog.innerHTML = `
    <form method="dialog">
      <h2 id="confirm-title"></h2>
      <p id="confirm-detail"></p>
      <p class="meta" id="confirm-undo">It goes to the trash: Undo puts it back.</p>
      <div class="dialog-buttons">
        <button value="delete" class="danger">Delete</button>
        <button value="cancel" autofocus>Cancel</button>
      </div>
    </form>`;
  document.body.append(dialog);
  return dialog;
}

function askBeforeDeleting(dialog, event) {
  const form = event.target;
  if (form.dataset.confirmed === "yes") return;
  event.preventDefault();
  dialog.querySelector("#confirm-title").textContent = form.dataset.confirm;
  dialog.querySelector("#confirm-detail").textContent = form.dataset.confirmDetail || "";
  // Emptying the trash is the one delete Undo cannot reach.
  dialog.querySelector("#confirm-undo").hidden = "confirmFinal" in form.dataset;
  dialog.returnValue = "";
  const opener = event.submitter || form.querySelector("button");
  dialog.addEventListener(
    "close",
    () => {
      if (dialog.returnValue !== "delete") {
        opener?.focus();
        return;
      }
      const confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "yes";
      form.append(confirmed);
      form.dataset.confirmed = "yes";
      form.submit();
    },
    { once: true },
  );
  dialog.showModal();
}

// A status line drawn with the page is not read out by every screen reader; writing it
// again into the live region after load is.
function announceStatus() {
  const line = document.querySelector("[data-status-line]");
  if (!line || !line.children.length) return;
  const content = [...line.childNodes];
  line.replaceChildren();
  requestAnimationFrame(() => line.append(...content));
}

for (const form of document.querySelectorAll("form")) {
  if (form.querySelector("[required]")) {
    form.noValidate = true;
    form.addEventListener("submit", checkRequired);
  }
}
const deleteForms = document.querySelectorAll("form[data-confirm]");
if (deleteForms.length) {
  const dialog = confirmDialog();
  for (const form of deleteForms) {
    form.addEventListener("submit", (event) => askBeforeDeleting(dialog, event));
  }
}
announceStatus();
focusFirstProblem(document);
