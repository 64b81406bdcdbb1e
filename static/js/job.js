// Polls an import or export job and moves the progress bar.
(function () {
  const bar = document.getElementById("bar");
  const texts = document.getElementById("texts").dataset;
  const status = document.getElementById("status");
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin" }).then((r) => r.json()).then((p) => {
      const pct = p.total ? Math.round((100 * p.done) / p.total) : (p.state === "done" ? 100 : 0);
      bar.querySelector(".progress-bar").style.width = pct + "%";
      bar.setAttribute("aria-valuenow", pct);
      if (bar.dataset.next && (p.state === "done" || p.state === "failed")) {
        window.location.href = bar.dataset.next;  // the check's result page shows the rows or the refusal
      } else if (p.state === "done") {
        status.textContent = texts.done.replace("__N__", p.done);
        document.getElementById("done").classList.remove("d-none");
      } else if (p.state === "failed") {
        status.textContent = texts.failed + " " + (p.error || "");
        status.classList.add("text-danger");
      } else if (p.state === "queued") {
        status.textContent = texts.queued;
        setTimeout(poll, 1000);
      } else {
        status.textContent = texts.working.replace("__D__", p.done).replace("__T__", p.total);
        setTimeout(poll, 700);
      }
    }).catch(() => setTimeout(poll, 2000));
  }
  poll();
})();
