/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* Scan the voucher QR with the phone camera where the browser has BarcodeDetector; otherwise
   (or when the camera is refused) the cashier types the code. A scan fills the code and
   submits the "check" form. */
(function () {
  "use strict";
  var box = document.querySelector("[data-zj-scanner]");
  var form = document.querySelector("[data-zj-code-form]");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  box.hidden = false;
  var video = box.querySelector("[data-zj-video]"), status = box.querySelector("[data-zj-scan-status]");
  var detector = new window.BarcodeDetector({formats: ["qr_code"]});
  var stream = null;
  function stop() { if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; } }
  function look() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        stop();
        form.querySelector("[name=code]").value = codes[0].rawValue;
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      window.requestAnimationFrame(look);
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
