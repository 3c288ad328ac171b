/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
// Rounds table: add rows from the <template> (formset __prefix__), hide removed rows, number them and sum the stock.
(function () {
  const rows = document.getElementById("round-rows");
  const add = document.getElementById("round-add");
  const tpl = document.getElementById("round-template");
  const sum = document.getElementById("round-sum");
  if (!rows || !add || !tpl) return;
  const total = document.getElementById("id_" + rows.dataset.prefix + "-TOTAL_FORMS");
  function refresh() {
    let n = 0, stock = 0;
    rows.querySelectorAll("tr").forEach(function (row) {
      const removed = row.querySelector("input[name$='-DELETE']");
      const gone = removed && removed.checked;
      row.classList.toggle("d-none", !!gone);
      if (gone) return;
      n += 1;
      row.querySelector(".zj-round-no").textContent = String(n);
      const input = row.querySelector("input[name$='-stock']");
      stock += input && input.value ? parseInt(input.value, 10) || 0 : 0;
    });
    if (sum) sum.textContent = String(stock);
  }
  add.addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    rows.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    refresh();
    const first = rows.lastElementChild.querySelector("input[type=datetime-local]");
    if (first) first.focus();
  });
  rows.addEventListener("change", refresh);
  rows.addEventListener("input", refresh);
  refresh();
})();
// Show the settings of the chosen allocation only (both stay in the form: the server decides).
(function () {
  const radios = document.querySelectorAll("input[name=allocation]");
  const firstCome = document.querySelector("[data-testid=first-come]");
  const lottery = document.querySelector("[data-testid=lottery]");
  if (!radios.length || !firstCome || !lottery) return;
  function show() {
    const chosen = document.querySelector("input[name=allocation]:checked");
    const isLottery = chosen && chosen.value === "lottery";
    lottery.classList.toggle("d-none", !isLottery);
    firstCome.classList.toggle("d-none", isLottery);
  }
  radios.forEach(function (r) { r.addEventListener("change", show); });
  show();
})();
