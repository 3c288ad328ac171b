// The door-to-door survey's outbox: entries are kept in localStorage and POSTed when online,
// each with the Idempotency-Key made when it was saved, so a re-send never makes a second
// record. An entry leaves the phone once the server answered 200/201 (kept) or 4xx (refused,
// with the reason shown); a network failure or 5xx keeps it for the next try.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) return;
  var KEY = "zhijia-labour-outbox";
  var list = document.getElementById("survey-outbox");
  var net = document.getElementById("survey-net");
  var errorBox = document.getElementById("survey-error");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "sv-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  function masked(name) { return name ? name.charAt(0) + "*".repeat(Math.max(name.length - 1, 1)) : ""; }

  function render() {
    var items = load();
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item small d-flex justify-content-between";
      li.setAttribute("data-testid", "outbox-row");
      li.setAttribute("data-state", item.state);
      var label = item.state === "sent" ? form.dataset.msgSent : item.state === "refused" ? form.dataset.msgRefused + ": " + item.error : form.dataset.msgWaiting;
      li.textContent = masked(item.label) + " · " + label;
      list.appendChild(li);
    });
    net.textContent = navigator.onLine ? net.dataset.online : net.dataset.offline;
    net.className = "small mb-2 " + (navigator.onLine ? "text-success" : "text-warning");
  }

  function payload() {
    var data = new FormData(form);
    var body = { org_id: data.get("org_id"), name: (data.get("name") || "").trim(), id_number: (data.get("id_number") || "").trim() };
    ["group", "household_number", "phone", "status", "destination", "wanted_job", "training_needs"].forEach(function (k) {
      var v = (data.get(k) || "").trim();
      if (v) body[k] = v;
    });
    if (data.get("skill")) body.skills = [{ occupation: data.get("skill"), title: (data.get("skill_title") || "").trim() }];
    body.assistance = data.getAll("assistance");
    body.job_matching_consent = data.get("job_matching_consent") === "on";
    return body;
  }

  function errorText(json) {
    if (!json) return "";
    var parts = [json.message || ""];
    Object.keys(json.fields || {}).forEach(function (k) { parts.push(json.fields[k].join(" ")); });
    return parts.join(" ").trim();
  }

  function sendOne(item) {
    return fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf, "Idempotency-Key": item.key, "X-Zhijia-Survey": "1" },
      body: JSON.stringify(item.body),
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) return { state: "sent" };
      if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429) {
        return response.json().then(function (j) { return { state: "refused", error: errorText(j) }; }, function () { return { state: "refused", error: String(response.status) }; });
      }
      return { state: "waiting" };
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { render(); return Promise.resolve(); }
    var pending = load().filter(function (i) { return i.state === "waiting"; });
    if (!pending.length) { render(); return Promise.resolve(); }
    sending = true;
    var chain = Promise.resolve();
    pending.forEach(function (item) {
      chain = chain.then(function () {
        return sendOne(item).then(function (result) {
          var items = load();
          items.forEach(function (i) {
            if (i.key === item.key) {
              i.state = result.state;
              i.error = result.error || "";
              if (result.state !== "waiting") delete i.body; // the ID number leaves the phone
            }
          });
          store(items);
          render();
        }, function () { /* offline again: keep it */ });
      });
    });
    return chain.then(function () { sending = false; render(); }, function () { sending = false; render(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = payload();
    if (!body.name || !body.id_number) { errorBox.textContent = form.dataset.msgRequired; return; }
    errorBox.textContent = "";
    var items = load();
    items.unshift({ key: newKey(), label: body.name, body: body, state: "waiting", error: "" });
    store(items.slice(0, 200));
    var village = form.elements.org_id.value;
    form.reset();
    form.elements.org_id.value = village;
    render();
    flush();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 15000);
  render();
  flush();
})();
