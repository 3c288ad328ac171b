// Check-in screen: after each scan, clear the box and put the cursor back for the next card.
document.body.addEventListener("htmx:afterRequest", function (event) {
  const form = event.detail.elt;
  if (!form || form.dataset.testid !== "scan-form") return;
  const input = form.querySelector("input[name=token]");
  if (input) { input.value = ""; input.focus(); }
});
