/* Worker H5 activity pages.
   - form[data-zj-once]: a second submit is ignored and the buttons are disabled once the first
     one goes (the idempotency key in the form covers what still gets through, e.g. a retry).
   - form[data-zj-confirm]: asks before submitting.
   - form[data-zj-autosubmit]: submitted once on load (the check-in landing page).
   - the filter form: a chip change reloads the list; "near me" asks the browser for its
     position first (WGS-84) and sends it as lat/lng. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-zj-once]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.zjSent) { e.preventDefault(); return; }
      if (form.dataset.zjConfirm && !window.confirm(form.dataset.zjConfirm)) { e.preventDefault(); return; }
      form.dataset.zjSent = "1";
      // Disabled after this tick, so the pressed button's own name/value still goes with the form.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          b.disabled = true;
          if (b.dataset.sending) { b.textContent = b.dataset.sending; }
        });
      }, 0);
    });
  });
  var auto = document.querySelector("form[data-zj-autosubmit]");
  if (auto) { auto.requestSubmit ? auto.requestSubmit() : auto.submit(); }

  var filters = document.querySelector("form[data-zj-filters]");
  if (!filters) return;
  // Every chip and select applies itself, so the "Apply" button (for pages without JS) goes.
  filters.querySelectorAll("[data-zj-apply]").forEach(function (b) { b.hidden = true; });
  var status = filters.querySelector("[data-zj-locate-status]");
  var lat = filters.querySelector("[data-zj-lat]"), lng = filters.querySelector("[data-zj-lng]");
  var near = filters.querySelector("[data-zj-near]");
  function say(key) {
    if (!status) return;
    status.textContent = status.dataset[key] || "";
    status.hidden = !status.textContent;
  }
  function send() { filters.requestSubmit ? filters.requestSubmit() : filters.submit(); }
  function locate() {
    if (!navigator.geolocation) { say("unsupported"); near.checked = false; return; }
    say("locating");
    navigator.geolocation.getCurrentPosition(
      function (p) { lat.value = p.coords.latitude.toFixed(6); lng.value = p.coords.longitude.toFixed(6); send(); },
      function () { say("denied"); near.checked = false; },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }
  filters.querySelectorAll("input[type=checkbox], select").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el === near) {
        if (near.checked) { locate(); return; }
        lat.value = ""; lng.value = "";
      }
      send();
    });
  });
  if (near && near.checked && !lat.value) locate();
})();
