/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* After each scan: clear the box and focus it again. With a camera and the browser's
   BarcodeDetector, a camera button reads a member card QR into the box and sends it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=scan-form]");
  if (!form) return;
  var input = form.querySelector("input[name=token]");
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) return;
    input.value = ""; input.focus();
  });
  var button = form.querySelector("[data-zj-camera]"), video = form.querySelector("[data-zj-video]");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  var stream = null;
  function stop() { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } video.hidden = true; }
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      (function look() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          if (codes.length) { input.value = codes[0].rawValue; stop(); form.requestSubmit(); return; }
          window.setTimeout(look, 300);
        }).catch(function () { window.setTimeout(look, 500); });
      })();
    }).catch(stop);
  });
})();
