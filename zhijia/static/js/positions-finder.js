/* The "nearby stations" finder: asks the browser where the phone is (navigator.geolocation gives
   WGS-84) and reloads the page with ?lat=&lng=&datum=wgs84, keeping the filters. Without
   JavaScript or permission the page offers the city centre instead; the list itself is
   rendered on the server. */
(function () {
  "use strict";
  var status = document.querySelector("[data-zj-locate-status]");
  function say(key) {
    if (!status) return;
    status.textContent = status.dataset[key] || "";
    status.hidden = !status.textContent;
  }
  function go(lat, lng) {
    var url = new URL(window.location.href);
    url.searchParams.set("lat", lat.toFixed(6));
    url.searchParams.set("lng", lng.toFixed(6));
    url.searchParams.set("datum", "wgs84");
    window.location.assign(url.toString());
  }
  function locate() {
    if (!navigator.geolocation) { say("unsupported"); return; }
    say("locating");
    navigator.geolocation.getCurrentPosition(
      function (p) { go(p.coords.latitude, p.coords.longitude); },
      function () { say("denied"); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }
  document.querySelectorAll("[data-zj-locate]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function (e) { e.preventDefault(); locate(); });
  });
  if (document.querySelector("[data-zj-autolocate]")) locate();
})();
