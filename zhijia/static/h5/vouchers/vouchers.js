/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* Worker H5 voucher pages.
   - form[data-zj-once]: the first submit disables the buttons; a second tap is ignored (the
     idempotency key drawn when the page rendered covers whatever still gets through).
   - [data-zj-clock]: the campaign box. It counts down to the next release with the server's
     clock (data-now, corrected on every poll), polls the campaign's state every data-poll
     seconds (remaining stock may be a second or two stale) and shows one pane:
     wait (countdown) | open (claim button) | soldout | closed. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-zj-once]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.zjSent) { e.preventDefault(); return; }
      form.dataset.zjSent = "1";
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          b.disabled = true;
          if (b.dataset.sending) { b.textContent = b.dataset.sending; }
        });
      }, 0);
    });
  });

  var clock = document.querySelector("[data-zj-clock]");
  if (!clock) return;
  var offset = Date.parse(clock.dataset.now) - Date.now();  // server minus this phone
  var target = clock.dataset.target ? Date.parse(clock.dataset.target) : null;
  var state = {open: clock.dataset.open === "1", remaining: parseInt(clock.dataset.remaining || "0", 10)};
  var pollMs = (parseInt(clock.dataset.poll || "5", 10) || 5) * 1000;
  var days = clock.dataset.days || "d";

  function serverNow() { return Date.now() + offset; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function pane() {
    if (target !== null && serverNow() < target) return "wait";
    if (target !== null) return "open";  // just opened: assume open until the next poll says otherwise
    if (state.open) return state.remaining > 0 ? "open" : "soldout";
    return "closed";
  }

  function show(name) {
    clock.dataset.pane = name;
    clock.querySelectorAll("[data-zj-pane]").forEach(function (el) {
      el.hidden = el.dataset.zjPane !== name;
    });
    clock.querySelectorAll("[data-zj-wait-open]").forEach(function (b) {
      if (!b.form || !b.form.dataset.zjSent) b.disabled = name !== "open";
    });
  }

  function tick() {
    var el = clock.querySelector("[data-zj-countdown]");
    if (target !== null && el) {
      var s = Math.max(0, Math.ceil((target - serverNow()) / 1000));
      var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
      el.textContent = (d ? d + days + " " : "") + pad(h) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
      if (s === 0 && clock.dataset.pane === "wait") { show(pane()); poll(); return; }
    }
    var want = pane();
    if (want !== clock.dataset.pane) show(want);
  }

  function poll() {
    if (document.hidden || !clock.dataset.url) return;
    var sent = Date.now();
    fetch(clock.dataset.url, {headers: {Accept: "application/json"}, cache: "no-store", credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        var back = Date.now();
        offset = Date.parse(s.server_time) - (sent + back) / 2;
        state.open = !!s.open;
        state.remaining = s.remaining;
        // Count down to the next release unless a round is open with stock left.
        target = !s.next_opens_at || (s.open && s.remaining > 0) ? null : Date.parse(s.next_opens_at);
        clock.querySelectorAll("[data-zj-remaining]").forEach(function (el) { el.textContent = s.remaining; });
        clock.querySelectorAll("[data-zj-soldout-note]").forEach(function (el) { el.hidden = !(s.open && s.remaining <= 0); });
        tick();
      })
      .catch(function () { /* offline for a moment: keep the last state */ });
  }

  show(pane());
  tick();
  window.setInterval(tick, 250);
  window.setInterval(poll, pollMs);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
