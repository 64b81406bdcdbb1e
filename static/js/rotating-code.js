// A code that renews by itself (the organiser's check-in screen, a person's kiosk code): every
// data-refresh seconds it asks data-poll-url (same origin, the session cookie) for {code, qr} and shows them.
(function () {
  "use strict";
  var box = document.getElementById("checkin-code");
  if (!box) { return; }
  var image = document.getElementById("checkin-qr");
  var text = document.getElementById("checkin-text");
  var state = document.getElementById("checkin-state");
  var every = Math.max(3, parseInt(box.getAttribute("data-refresh"), 10) || 10) * 1000;
  var calm = state ? state.textContent : "";
  function renew() {
    fetch(box.getAttribute("data-poll-url"), {credentials: "same-origin", cache: "no-store",
                                               headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (body) {
        image.src = body.qr;
        text.textContent = body.code;
        box.setAttribute("data-code", body.code);
        if (state) { state.textContent = calm; }
      })
      .catch(function () { if (state) { state.textContent = state.getAttribute("data-stale"); } });
  }
  window.setInterval(renew, every);
}());
