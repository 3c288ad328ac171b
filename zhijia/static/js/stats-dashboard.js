// The console dashboard: draws the charts from the JSON the page carries (no inline script),
// sorts the units table by a clicked column, and submits the period form on change.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }
  function num(v) { return typeof v === "number" ? v : 0; }
  function draw(kind, option) {
    var el = document.querySelector('[data-chart="' + kind + '"]');
    if (!el || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var trend = data("zj-trend");
  draw("trend", {
    grid: { left: 48, right: 16, top: 24, bottom: 28 },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["人次", "人数"] },
    xAxis: { type: "category", data: trend.map(function (i) { return i.label; }) },
    yAxis: { type: "value" },
    series: [
      { name: "人次", type: "bar", data: trend.map(function (i) { return num(i.service_visits); }) },
      { name: "人数", type: "line", data: trend.map(function (i) { return num(i.people_served); }) }
    ]
  });
  var sources = data("zj-sources");
  draw("sources", {
    tooltip: { trigger: "item" },
    series: [{
      type: "pie", radius: ["35%", "65%"],
      data: sources.map(function (i) { return { name: i.label, value: num(i.service_visits) }; })
    }]
  });
  document.querySelectorAll(".zj-autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("table.zj-sortable th[data-sort]").forEach(function (th, col) {
    th.style.cursor = "pointer";
    th.addEventListener("click", function () {
      var body = th.closest("table").tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var down = th.dataset.dir !== "desc";
      th.dataset.dir = down ? "desc" : "asc";
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var cmp = th.dataset.sort === "num" ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh");
        return down ? -cmp : cmp;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
