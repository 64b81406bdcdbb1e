// Reloads the report page once its job has finished (the page itself shows the downloads).
(function () {
  const poll = document.getElementById("poll");
  if (!poll) return;
  function check() {
    fetch(poll.dataset.url, { credentials: "same-origin" }).then((r) => r.json()).then((p) => {
      if (p.state === "done" || p.state === "failed") window.location.reload();
      else setTimeout(check, 1000);
    }).catch(() => setTimeout(check, 2000));
  }
  check();
})();
