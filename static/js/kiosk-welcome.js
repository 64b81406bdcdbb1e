// The kiosk's welcome screen: empty forms whenever it is shown (also from the back/forward cache), and Back
// stays here, so nothing typed or seen by the previous person comes back.
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll(".kiosk-form input:not([type=hidden])").forEach(function (input) { input.value = ""; });
  }
  clear();
  window.history.replaceState(null, "", window.location.pathname);
  window.history.pushState(null, "", window.location.pathname);
  window.addEventListener("popstate", function () { window.history.pushState(null, "", window.location.pathname); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });
  // The screen rests here all night: a fresh page every half hour keeps its forms' CSRF tokens valid.
  window.setInterval(function () {
    var typing = Array.prototype.some.call(document.querySelectorAll(".kiosk-form input:not([type=hidden])"),
                                           function (input) { return input.value !== ""; });
    if (!typing) { window.location.replace(window.location.pathname); }
  }, 30 * 60 * 1000);
}());
