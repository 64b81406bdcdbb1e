// The person picker (templates/_picker.html): suggestions by name from /api/v1/people/picker, chosen by a tap or
// the keys (ARIA combobox: arrows, Enter, Escape). Without this script the form still works: the server resolves
// the typed name, or offers the namesakes to choose from.
(function () {
  "use strict";

  function setup(root) {
    const input = root.querySelector("input[role=combobox]");
    const hidden = root.querySelector("[data-picker-id]");
    const list = root.querySelector("[role=listbox]");
    const status = root.querySelector("[data-picker-status]");
    const texts = root.dataset;
    let items = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    function isOpen() { return !list.classList.contains("d-none"); }
    function close() {
      list.classList.add("d-none");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function open() {
      list.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
    }
    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, k) => {
        option.setAttribute("aria-selected", k === index ? "true" : "false");
        option.classList.toggle("active", k === index);
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }
    function choose(index) {
      const person = items[index];
      if (!person) return;
      input.value = person.name;
      hidden.value = String(person.id);
      hidden.disabled = false;
      const choices = root.querySelector("[data-picker-choices]");
      if (choices) choices.remove();  // the server's namesake choice is answered by this one
      status.textContent = texts.chosen.replace("__WHO__", person.name + " · " + person.details);
      close();
    }
    function render() {
      list.replaceChildren();
      items.forEach((person, index) => {
        const option = document.createElement("li");
        option.id = input.id + "-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "list-group-item list-group-item-action person-picker-option";
        const name = document.createElement("span");
        name.className = "d-block fw-semibold";
        name.textContent = person.name;
        const details = document.createElement("span");
        details.className = "d-block text-body-secondary";
        details.textContent = person.details;
        option.append(name, details);
        option.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus in the input
        option.addEventListener("click", () => choose(index));
        list.append(option);
      });
      if (items.length) {
        open();
        status.textContent = texts.found.replace("__N__", String(items.length));
      } else {
        close();
        status.textContent = texts.none;
      }
    }
    function ask() {
      const q = input.value.trim();
      const mine = ++asked;  // an older, slower answer never replaces a newer one
      if (!q) { items = []; close(); status.textContent = ""; return; }
      fetch(texts.url + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((body) => { if (mine === asked) { items = body.items || []; active = -1; render(); } })
        .catch(() => { if (mine === asked) { items = []; close(); status.textContent = texts.failed; } });
    }

    input.addEventListener("input", () => {
      hidden.value = "";  // a changed text no longer names the person chosen before
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        if (!isOpen()) open();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && isOpen()) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && isOpen() && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  document.querySelectorAll("[data-person-picker]").forEach(setup);
})();
