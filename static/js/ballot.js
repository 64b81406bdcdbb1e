// The ballot: a live count of ticks against the limit, an extra tick refused at once with a message beside
// the list; and the receipt's copy button. The server applies the same rules (this only saves a round trip).
(function () {
  const form = document.getElementById("ballot");
  if (form) {
    const seats = parseInt(form.dataset.seats, 10);
    const count = document.getElementById("ballot-count");
    const error = document.getElementById("ballot-error");
    const boxes = Array.from(form.querySelectorAll("input[name=candidate_id]"));
    const ticked = () => boxes.filter((b) => b.checked).length;
    const show = () => { count.textContent = form.dataset.countText.replace("__N__", ticked()); };
    boxes.forEach((box) => box.addEventListener("change", () => {
      if (box.checked && ticked() > seats) {
        box.checked = false;
        error.textContent = form.dataset.limitText;
      } else {
        error.textContent = "";
      }
      show();
    }));
    show();
  }
  // A double tap on 确认投票 sends one ballot, not two requests racing for the session cookie (the loser
  // would be refused and could overwrite the cookie that holds the receipt).
  const confirm = document.getElementById("ballot-confirm");
  if (confirm) {
    confirm.addEventListener("submit", (event) => {
      if (confirm.dataset.sent) event.preventDefault();
      confirm.dataset.sent = "1";
    });
  }
  const status = document.getElementById("copy-status");
  document.querySelectorAll("button.copy-receipt").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const done = () => { if (status) status.textContent = button.dataset.done; button.blur(); };
      // Plain http, or a browser that refuses the clipboard: select the code (the phone's own copy menu
      // takes it) and copy the selection.
      const select = () => {
        const code = button.parentElement.querySelector(".receipt-code");
        const range = document.createRange();
        range.selectNodeContents(code);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        try { if (document.execCommand("copy")) done(); } catch (e) { /* the selection stays for a manual copy */ }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(button.dataset.copy).then(done, select);
      } else {
        select();
      }
    });
  });
})();
