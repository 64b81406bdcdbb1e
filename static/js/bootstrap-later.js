// Bootstrap's JS (the phone menu's collapse, the flash messages' close button) is not needed to draw the page:
// loaded here once the page has loaded and painted, it is off the first paint's path (issue #9, README "FCP"). This file is
// tiny and async, so it holds up neither the parser nor DOMContentLoaded. A tap on a Bootstrap control before
// the bundle has arrived is kept and replayed once it has, so the menu button never does nothing.
(function () {
  "use strict";
  var me = document.currentScript;
  var src = me && me.getAttribute("data-bundle");
  var started = false;
  var ready = false;
  var pending = null;

  function start() {
    if (started || !src) {
      return;
    }
    started = true;
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () {
      ready = true;
      if (pending) {
        var target = pending;
        pending = null;
        target.click();
      }
    };
    document.body.appendChild(script);
  }

  document.addEventListener("click", function (event) {
    if (ready) {
      return;
    }
    var target = event.target.closest && event.target.closest("[data-bs-toggle], [data-bs-dismiss]");
    if (target) {
      event.preventDefault();
      event.stopPropagation();
      pending = target;
      start();
    }
  }, true);

  // Once the page has loaded and its first contentful paint has happened (on a busy phone the paint can come
  // after the load event); a browser that reports no paint gets the bundle a moment after the load event.
  var loaded = document.readyState === "complete";
  var painted = performance.getEntriesByName("first-contentful-paint").length > 0;
  function maybe() {
    if (loaded && painted) {
      start();
    }
  }
  if (!painted) {
    try {
      var observer = new PerformanceObserver(function (list) {
        if (list.getEntriesByName("first-contentful-paint").length) {
          observer.disconnect();
          painted = true;
          maybe();
        }
      });
      observer.observe({type: "paint", buffered: true});
    } catch (error) {
      painted = true;
    }
  }
  function onLoad() {
    loaded = true;
    maybe();
    window.setTimeout(start, 3000);  // whatever the paint entries say, the menu works a little later
  }
  if (loaded) {
    onLoad();
  } else {
    window.addEventListener("load", onLoad);
  }
}());
