// Small behaviours of the family pages, kept out of the templates so the Content-Security-Policy
// can forbid inline scripts.
(function () {
  "use strict";

  // The cart's countdown: the server gives the milliseconds left; reload when time is up.
  function startCountdown() {
    var el = document.getElementById("countdown");
    if (!el) return;
    var end = Date.now() + parseInt(el.dataset.ms, 10);
    var warning = document.getElementById("countdown-warning");
    var warned = {};
    function warnAt(minutes, left) {
      // Once per threshold, and only when crossing it: a page opened at 3 minutes says so once.
      var key = "warn" + minutes;
      if (!warning || warned[key] || left > minutes * 60000) return;
      warned[key] = true;
      warning.textContent = warning.dataset["warn-" + minutes] || "";
    }
    setInterval(function () {
      var left = Math.max(0, end - Date.now());
      var m = Math.floor(left / 60000), s = Math.floor(left / 1000) % 60;
      el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      warnAt(1, left);
      warnAt(5, left > 60000 ? left : Infinity);
      if (left === 0) { location.reload(); }
    }, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startCountdown);
  } else {
    startCountdown();
  }
})();
