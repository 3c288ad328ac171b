/* Station maps (console and H5) with the vendored Leaflet. Reads the JSON named by the map
   element's data-zj-map attribute: {tiles, attribution, markers: [{lat, lng, name, url, open,
   extra, size}], here: [lat, lng] | null, hereLabel}; `size` (optional) is the circle's radius. Without a tile URL the markers sit on a plain
   background (intranets, no tile licence): the page never breaks for lack of tiles. */
(function () {
  "use strict";
  function popup(m) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    link.className = "fw-semibold";
    box.appendChild(link);
    if (m.extra) {
      var extra = document.createElement("div");
      extra.className = "small text-body-secondary";
      extra.textContent = m.extra;
      box.appendChild(extra);
    }
    return box;
  }
  function init(el) {
    if (el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.zjMap);
    if (!source) return;
    var cfg = JSON.parse(source.textContent);
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!cfg.tiles });
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { maxZoom: 18, attribution: cfg.attribution || "" }).addTo(map);
    } else {
      el.classList.add("zj-map-plain");
    }
    var points = [];
    (cfg.markers || []).forEach(function (m) {
      L.circleMarker([m.lat, m.lng], {
        radius: m.size || 9, color: "#fff", weight: 2, fillOpacity: m.size ? 0.75 : 1,
        fillColor: m.open ? "#198754" : "#6c757d",
      }).bindPopup(popup(m)).bindTooltip(m.name).addTo(map);
      points.push([m.lat, m.lng]);
    });
    if (cfg.here) {
      L.circleMarker(cfg.here, { radius: 7, color: "#fff", weight: 3, fillColor: "#0d6efd", fillOpacity: 1 })
        .bindTooltip(cfg.hereLabel || "").addTo(map);
      points.push(cfg.here);
    }
    if (points.length > 1) {
      map.fitBounds(points, { padding: [28, 28], maxZoom: 16 });
    } else if (points.length === 1) {
      map.setView(points[0], 15);
    } else {
      map.setView([22.54, 114.05], 11);
    }
    el.zjMap = map;
  }
  function all() { document.querySelectorAll("[data-zj-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
  document.addEventListener("htmx:afterSwap", all);
})();
