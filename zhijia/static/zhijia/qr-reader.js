/* Reading a QR code from a <video> showing the camera: the browser's BarcodeDetector where it
   has one, else the vendored jsQR over a canvas frame (Chromium on desktop Linux, Firefox,
   older phones). zjQrReader(video).read() resolves to the text of a code in view, or null. */
(function () {
  "use strict";
  window.zjQrReader = function (video) {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return {
        read: function () {
          return detector.detect(video).then(function (codes) {
            return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
          });
        },
      };
    }
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return {
      read: function () {
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h || typeof window.jsQR !== "function") return Promise.resolve(null);
        canvas.width = w; canvas.height = h;
        context.drawImage(video, 0, 0, w, h);
        var found = window.jsQR(context.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found && found.data ? found.data : null);
      },
    };
  };
  window.zjQrReader.available = function () {
    return !!(navigator.mediaDevices && ("BarcodeDetector" in window || typeof window.jsQR === "function"));
  };
})();
