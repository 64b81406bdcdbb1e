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
}());
