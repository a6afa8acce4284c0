// The unit picker (structure/fields.py): a combobox whose options htmx loads as the person types.
// Arrow keys move through the options, Enter or a tap picks one, Escape closes the list. Without this script
// the input is a plain text field and the server reads the address typed.
(function () {
  "use strict";
  if (window.comityUnitPicker) return;
  window.comityUnitPicker = true;

  function parts(root) {
    return {
      input: root.querySelector("[role=combobox]"),
      list: root.querySelector("[role=listbox]"),
      status: root.querySelector("[data-unit-picker-status]"),
    };
  }
  function options(list) {
    return Array.from(list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }
  function close(root) {
    var p = parts(root);
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }
  function activate(root, option) {
    var p = parts(root);
    options(p.list).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }
  function pick(root, option) {
    var p = parts(root);
    p.input.value = option.dataset.value;
    close(root);
    p.status.textContent = option.textContent.trim();
    p.input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target.closest("[data-unit-picker]");
    if (!root) return;
    var p = parts(root);
    var all = p.list.querySelectorAll("[role=option]");
    p.list.hidden = all.length === 0;
    p.input.setAttribute("aria-expanded", all.length ? "true" : "false");
    p.input.removeAttribute("aria-activedescendant");
  });
  document.addEventListener("keydown", function (event) {
    var root = event.target.closest && event.target.closest("[data-unit-picker]");
    if (!root || event.target.getAttribute("role") !== "combobox") return;
    var p = parts(root);
    var list = options(p.list);
    var current = list.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (p.list.hidden || !list.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(root, list[(current + step + list.length) % list.length]);
    } else if (event.key === "Enter" && !p.list.hidden && current >= 0) {
      event.preventDefault();
      pick(root, list[current]);
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      close(root);
    }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-unit-picker] [role=option]");
    if (option && option.getAttribute("aria-disabled") !== "true") {
      pick(option.closest("[data-unit-picker]"), option);
      return;
    }
    document.querySelectorAll("[data-unit-picker]").forEach(function (root) {
      if (!root.contains(event.target)) close(root);
    });
  });
})();
