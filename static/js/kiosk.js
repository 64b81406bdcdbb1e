// Kiosk mode: after data-idle seconds without a touch or a key, sign out on the server and go back to the
// welcome screen, replacing this page in the history so that Back shows nothing of the previous person.
(function () {
  "use strict";
  var me = document.currentScript;
  var idle = (parseInt(me.getAttribute("data-idle"), 10) || 60) * 1000;
  var signout = me.getAttribute("data-signout");
  var welcome = me.getAttribute("data-welcome");
  var token = document.querySelector('meta[name="csrf-token"]');
  var timer = null;
  function leave() {
    fetch(signout, {method: "POST", credentials: "same-origin",
                    headers: {"X-CSRFToken": token ? token.content : ""}})
      .catch(function () { return null; })
      .then(function () { window.location.replace(welcome); });
  }
  function wake() {
    window.clearTimeout(timer);
    timer = window.setTimeout(leave, idle);
  }
  ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, wake, {passive: true});
  });
  wake();
}());
