/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* Scan the voucher QR with the phone camera (zjQrReader: the browser's BarcodeDetector, else the
   vendored jsQR); without a camera, or when it is refused, the cashier types the code. A scan
   fills the code and submits the "check" form. */
(function () {
  "use strict";
  var box = document.querySelector("[data-zj-scanner]");
  var form = document.querySelector("[data-zj-code-form]");
  if (!box || !form || !window.zjQrReader || !window.zjQrReader.available()) return;
  box.hidden = false;
  var video = box.querySelector("[data-zj-video]"), status = box.querySelector("[data-zj-scan-status]");
  var reader = window.zjQrReader(video);
  var stream = null;
  function stop() { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } }
  function look() {
    if (!stream) return;
    reader.read().then(function (text) {
      if (text) {
        stop();
        form.querySelector("[name=code]").value = text;
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      window.setTimeout(look, 150);
    }).catch(function () { window.setTimeout(look, 300); });
  }
  box.querySelector("[data-zj-scan]").addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      return video.play();
    }).then(look).catch(function () {
      status.textContent = box.dataset.denied;
      status.hidden = false;
      box.querySelector("[data-zj-scan]").hidden = true;
    });
  });
  window.addEventListener("pagehide", stop);
})();
