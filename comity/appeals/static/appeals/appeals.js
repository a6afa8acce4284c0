// Appeal pages: category suggestions while typing, reply templates, confirmations. Everything works without it.
(function () {
  "use strict";

  function suggestions(form) {
    var text = form.querySelector("textarea[name=description]");
    var select = form.querySelector("select[name=category]");
    if (!text || !select) { return; }
    var box = document.createElement("div");
    box.className = "suggestions";
    box.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(box, select);
    var timer = null;
    function show(items) {
      box.textContent = "";
      if (!items.length) { return; }
      var label = document.createElement("span");
      label.className = "muted";
      label.textContent = form.dataset.suggestLabel + " ";
      box.appendChild(label);
      items.forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "chip chip--button";
        button.textContent = item.name;
        button.addEventListener("click", function () {
          select.value = String(item.id);
          select.dispatchEvent(new Event("change"));
        });
        box.appendChild(button);
      });
    }
    text.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var url = form.dataset.suggestUrl + "?text=" + encodeURIComponent(text.value);
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) { show(data.suggestions || []); })
          .catch(function () { show([]); });
      }, 300);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-suggest-url]").forEach(suggestions);
    document.querySelectorAll("select[data-fill]").forEach(function (select) {
      select.addEventListener("change", function () {
        var target = document.getElementById(select.dataset.fill);
        if (target && select.value) { target.value = select.value; target.focus(); }
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("input[data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        document.querySelectorAll("input[name=appeal]").forEach(function (item) { item.checked = box.checked; });
      });
    });
  });
})();
