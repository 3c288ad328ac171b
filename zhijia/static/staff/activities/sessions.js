// Activity form: add session rows from the <template> (formset __prefix__), hide removed rows.
(function () {
  const rows = document.getElementById("session-rows");
  const add = document.getElementById("session-add");
  const tpl = document.getElementById("session-template");
  if (!rows || !add || !tpl) return;
  const prefix = rows.dataset.prefix;
  const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  add.addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    const html = tpl.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const last = rows.lastElementChild;
    const input = last && last.querySelector("input[type=datetime-local]");
    if (input) input.focus();
  });
  rows.addEventListener("change", function (event) {
    const box = event.target;
    if (box.type !== "checkbox" || !box.name.endsWith("-DELETE")) return;
    const row = box.closest("[data-testid=session-row]");
    if (row) row.classList.toggle("d-none", box.checked);
  });
  rows.querySelectorAll("input[name$='-DELETE']:checked").forEach(function (box) {
    const row = box.closest("[data-testid=session-row]");
    if (row) row.classList.add("d-none");
  });
})();
