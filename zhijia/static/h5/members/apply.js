/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5).
   #id-check carries the validation URL (data-url) and the "looks right" text (data-ok). */
(function () {
  var number = document.getElementById("id_id_number"), type = document.getElementById("id_id_type"), out = document.getElementById("id-check");
  function check() {
    if (!number.value.trim()) { out.textContent = ""; return; }
    fetch(out.dataset.url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({id_type: type.value, id_number: number.value})})
      .then(function (r) { return r.json(); })
      .then(function (b) {
        out.className = "small mb-3 " + (b.valid ? "text-success" : "text-danger");
        out.textContent = b.valid ? out.dataset.ok : (b.message || "");
        number.classList.toggle("is-invalid", !b.valid);
      }).catch(function () { out.textContent = ""; });
  }
  number.addEventListener("blur", check); type.addEventListener("change", check);
  document.querySelectorAll("input[name=has_union]").forEach(function (r) {
    r.addEventListener("change", function () {
      var yes = document.getElementById("has-union-yes").checked;
      document.getElementById("panel-workplace").hidden = !yes;
      document.getElementById("panel-area").hidden = yes;
    });
  });
})();
