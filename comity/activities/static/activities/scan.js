// Check-in scanner: reads residents' QR codes with the phone camera through the browser's BarcodeDetector and
// sends the code form; where the browser has no BarcodeDetector or no camera, the form to type the code remains.
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-scanner]");
    var form = document.querySelector("[data-scan-form]");
    if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
      return;
    }
    var video = box.querySelector("[data-scanner-video]");
    var status = box.querySelector("[data-scanner-status]");
    var input = form.querySelector("input[name=code]");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var sent = false;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        box.hidden = false;
        video.srcObject = stream;
        return video.play();
      })
      .then(function () {
        function look() {
          if (sent) {
            return;
          }
          detector
            .detect(video)
            .then(function (found) {
              if (found.length && found[0].rawValue) {
                sent = true;
                input.value = found[0].rawValue;
                status.textContent = found[0].rawValue;
                form.submit();
              } else {
                window.setTimeout(look, 250);
              }
            })
            .catch(function () {
              window.setTimeout(look, 500);
            });
        }
        look();
      })
      .catch(function () {
        box.hidden = true;
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
