/* Station maps (console and H5) with the vendored Leaflet. Reads the JSON named by the map
   element's data-zj-map attribute: {tiles, attribution, markers: [{lat, lng, name, url, open,
   extra, size}], here: [lat, lng] | null, hereLabel, base}; `size` (optional) is the circle's radius.
   Without a tile URL (intranets, no tile licence) `base` names the vendored offline layer
   (vendor/china-map, ECharts 4.9's map data in its compact encoding): below zoom 7 the provinces
   and the outline, from zoom 7 the cities of the provinces in view (each file fetched once, when
   first needed), names where there is room, and the city and province of the map's centre. The page never breaks for lack of tiles or base layer. */
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
  function base(map, cfg) { // the country below zoom 7; from 7 the cities of the provinces in view
    map.createPane("zj-base").style.zIndex = 250;
    map.createPane("zj-names").style.zIndex = 260;
    var labels = L.layerGroup().addTo(map), loaded = {}, names = [], areas = [];
    var where = L.control({ position: "bottomleft" });
    where.onAdd = function () { return L.DomUtil.create("div", "zj-map-where"); };
    where.addTo(map);
    var land = { color: "#868e96", weight: 1, fillColor: "#f1f3f5", fillOpacity: 1 };
    function draw(json, style, level, province) {
      L.geoJSON(json, { pane: "zj-base", interactive: false, style: style }).addTo(map);
      json.features.forEach(function (f) {
        var cp = f.properties && f.properties.cp, name = f.properties && f.properties.name;
        if (!name) return;
        var shape = polygons(f), box = L.latLngBounds([]);
        shape.forEach(function (rings) { rings[0].forEach(function (pt) { box.extend([pt[1], pt[0]]); }); });
        if (cp) names.push({ at: [cp[1], cp[0]], name: name, level: level, box: box });
        areas.push({ name: name, level: level, province: province, polygons: shape });
      });
      label();
    }
    function locate() { // the names of the city and province the map's centre lies in
      var centre = map.getCenter(), found = { province: "", city: "" };
      areas.forEach(function (a) {
        if (!found[a.level] && a.polygons.some(function (rings) { return inside(centre, rings); })) {
          found[a.level] = a.name;
          if (a.province) found.province = a.province;
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
    function once(key, url, then) {
      if (loaded[key] || !url) return;
      loaded[key] = true;
      load(url, then);
    }
    function show() {
      if (map.getZoom() < 7) {
        once("country", cfg.provinces, function (json) { draw(json, land, "province", ""); });
        once("outline", cfg.outline, function (json) {
          L.geoJSON(json, { pane: "zj-base", interactive: false,
            style: { color: "#495057", weight: 1.5, fill: false } }).addTo(map);
        });
      } else {
        var view = map.getBounds();
        Object.keys(cfg.cities).forEach(function (code) {
          var p = cfg.cities[code], box = L.latLngBounds([p.box[1], p.box[0]], [p.box[3], p.box[2]]);
          if (view.intersects(box)) once(code, p.url, function (json) { draw(json, land, "city", p.name); });
        });
      }
      label();
    }
    map.on("moveend", show);
    map.whenReady(show);
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
