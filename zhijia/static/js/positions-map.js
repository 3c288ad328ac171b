/* Station maps (console and H5) with the vendored Leaflet. Reads the JSON named by the map
   element's data-zj-map attribute: {tiles, attribution, markers: [{lat, lng, name, url, open,
   extra, size}], here: [lat, lng] | null, hereLabel, base}; `size` (optional) is the circle's radius.
   Without a tile URL (intranets, no tile licence) `base` names the vendored offline layer
   (vendor/china-map, ECharts 4.9's map data in its compact encoding): the provinces and the
   outline at once, a province's cities once it is in view at zoom 7 or closer, and names at the
   polygons' centres. The page never breaks for lack of tiles or base layer. */
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
  // ECharts' compact GeoJSON: each ring a string of zigzag-encoded deltas (two characters a
  // point, offset by 64) from the feature's encodeOffsets, at 1/1024 degree.
  function ring(text, offset, scale) {
    var out = [], x = offset[0], y = offset[1];
    for (var i = 0; i + 1 < text.length; i += 2) {
      var dx = text.charCodeAt(i) - 64, dy = text.charCodeAt(i + 1) - 64;
      x += (dx >> 1) ^ -(dx & 1);
      y += (dy >> 1) ^ -(dy & 1);
      out.push([x / scale, y / scale]);
    }
    return out;
  }
  function decode(json) {
    if (!json.UTF8Encoding) return json;
    var scale = json.UTF8Scale || 1024;
    json.features.forEach(function (f) {
      var g = f.geometry, offsets = g.encodeOffsets;
      g.coordinates = g.coordinates.map(function (part, i) {
        if (g.type === "Polygon") return typeof part === "string" ? ring(part, offsets[i], scale) : part;
        return part.map(function (r, j) { return typeof r === "string" ? ring(r, offsets[i][j], scale) : r; });
      });
    });
    json.UTF8Encoding = false;
    return json;
  }
  function load(url, then) {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) { if (json) then(decode(json)); })
      .catch(function () { /* no base layer: the markers still work */ });
  }
  function inside(point, rings) { // even-odd rule over a polygon's rings ([lng, lat] points)
    var x = point.lng, y = point.lat, odd = false;
    rings.forEach(function (r) {
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        if ((r[i][1] > y) !== (r[j][1] > y) &&
            x < (r[j][0] - r[i][0]) * (y - r[i][1]) / (r[j][1] - r[i][1]) + r[i][0]) odd = !odd;
      }
    });
    return odd;
  }
  function polygons(f) {
    var g = f.geometry;
    return g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  }
  function base(map, cfg) {
    map.createPane("zj-base").style.zIndex = 250;
    map.createPane("zj-names").style.zIndex = 260;
    var labels = L.layerGroup().addTo(map), shown = {}, names = [], areas = [];
    var where = L.control({ position: "bottomleft" });
    where.onAdd = function () { return L.DomUtil.create("div", "zj-map-where"); };
    where.addTo(map);
    function draw(json, style, level) {
      L.geoJSON(json, { pane: "zj-base", interactive: false, style: style }).addTo(map);
      json.features.forEach(function (f) {
        var cp = f.properties && f.properties.cp, name = f.properties && f.properties.name;
        if (!name) return;
        var shape = polygons(f), box = L.latLngBounds([]);
        shape.forEach(function (rings) { rings[0].forEach(function (pt) { box.extend([pt[1], pt[0]]); }); });
        if (cp) names.push({ at: [cp[1], cp[0]], name: name, level: level, box: box });
        areas.push({ name: name, level: level, polygons: shape });
      });
      label();
    }
    function locate() { // the names of the city and province the map's centre lies in
      var centre = map.getCenter(), found = { province: "", city: "" };
      areas.forEach(function (a) {
        if (!found[a.level] && a.polygons.some(function (rings) { return inside(centre, rings); })) {
          found[a.level] = a.name;
        }
      });
      where.getContainer().textContent = [found.city, found.province].filter(Boolean).join(" · ");
    }
    function label() {
      var zoom = map.getZoom(), view = map.getBounds();
      locate();
      labels.clearLayers();
      names.forEach(function (n) { // a name where its area is drawn wide enough to hold it
        var wide = map.latLngToContainerPoint(n.box.getNorthEast()).x -
          map.latLngToContainerPoint(n.box.getSouthWest()).x > 56;
        if ((n.level === "province") === (zoom < 7) && wide && view.contains(n.at)) {
          var text = document.createElement("span");
          text.textContent = n.name;
          L.marker(n.at, { pane: "zj-names", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "zj-map-label", html: text, iconSize: null }) }).addTo(labels);
        }
      });
    }
    var provinces = [];
    function cities() {
      if (map.getZoom() < 7) return;
      var view = map.getBounds();
      provinces.forEach(function (p) {
        var url = cfg.cities[p.code];
        if (!url || shown[p.code] || !view.intersects(p.bounds)) return;
        shown[p.code] = true;
        load(url, function (json) {
          draw(json, { color: "#adb5bd", weight: 1, dashArray: "3 3", fill: false }, "city");
        });
      });
    }
    load(cfg.provinces, function (json) {
      draw(json, { color: "#868e96", weight: 1, fillColor: "#f1f3f5", fillOpacity: 1 }, "province");
      json.features.forEach(function (f) {
        provinces.push({ code: String(f.id || "").slice(0, 2), bounds: L.geoJSON(f).getBounds() });
      });
      cities();
    });
    load(cfg.outline, function (json) {
      L.geoJSON(json, { pane: "zj-base", interactive: false,
        style: { color: "#495057", weight: 1.5, fill: false } }).addTo(map);
    });
    map.on("moveend", function () { cities(); label(); });
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
    if (!cfg.tiles && cfg.base && window.fetch) {
      el.classList.add("zj-map-base");
      base(map, cfg.base);
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
