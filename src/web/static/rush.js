// Small behaviours of the family pages, kept out of the templates so the Content-Security-Policy
// can forbid inline scripts.
(function () {
  "use strict";

  // An error the server placed next to its field takes the focus, so it is read out and the
  // family lands where the fix is.
  document.addEventListener("DOMContentLoaded", function () {
    var error = document.querySelector("[data-focus-on-load]");
    if (error) {
      error.focus();
    }
  });

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
  // The header's countdown of held places ticks too; it never reloads the page by itself.
  function startBannerCountdowns() {
    document.querySelectorAll(".banner-countdown").forEach(function (el) {
      var end = Date.now() + parseInt(el.dataset.ms, 10);
      setInterval(function () {
        var left = Math.max(0, end - Date.now());
        var m = Math.floor(left / 60000), s = Math.floor(left / 1000) % 60;
        el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      }, 1000);
    });
  }
  function start() {
    startCountdown();
    startBannerCountdowns();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
