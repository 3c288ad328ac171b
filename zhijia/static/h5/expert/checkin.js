/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* After each scan: clear the box and focus it again. With a camera, a camera button reads a
   member card QR into the box and sends it (zjQrReader: BarcodeDetector, else the vendored jsQR). */
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
  if (!window.zjQrReader || !window.zjQrReader.available()) return;
  button.hidden = false;
  var stream = null;
  function stop() { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } video.hidden = true; }
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var reader = window.zjQrReader(video);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      (function look() {
        if (!stream) return;
        reader.read().then(function (text) {
          if (text) { input.value = text; stop(); form.requestSubmit(); return; }
          window.setTimeout(look, 300);
        }).catch(function () { window.setTimeout(look, 500); });
      })();
    }).catch(stop);
  });
})();
