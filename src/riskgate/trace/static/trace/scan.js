// The trace query's code reader: where the browser has a barcode detector (Chrome on Android, for one), a button
// opens the rear camera and puts the first QR or GS1 code it reads into the query, then submits it. Elsewhere the
// button stays hidden and the code is typed or pasted (a hand-held scanner types it too).
(function () {
  "use strict";
  var button = document.getElementById("trace-scan");
  var video = document.getElementById("trace-camera");
  var field = document.getElementById("id_code");
  if (!button || !video || !field || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code", "data_matrix", "ean_13", "code_128"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      button.textContent = button.dataset.started;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            field.value = codes[0].rawValue;
            field.form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }, function () { window.requestAnimationFrame(look); });
      };
      look();
    }, function () {
      button.textContent = button.dataset.failed;
    });
  });
})();
