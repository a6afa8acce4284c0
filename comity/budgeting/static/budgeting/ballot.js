// The running budget bar of a knapsack ballot and the points counter of a cumulative one. Progressive
// enhancement: the ballot works without it, and the server checks every ballot again.
(function () {
  "use strict";
  // Amounts are computed in whole fen (no floating-point sums); written as yuan, with two decimals only when they
  // have fen, as the server writes them.
  function fen(yuan) { return Math.round(parseFloat(yuan) * 100) || 0; }
  function fmtFen(f) {
    var lang = document.documentElement.lang || undefined;
    if (f % 100 === 0) { return (f / 100).toLocaleString(lang); }
    return (f / 100).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function setup(form) {
    var kind = form.dataset.kind;
    if (kind === "knapsack") {
      var budget = fen(form.dataset.budget);
      var bar = document.getElementById("budget-bar");
      var spentEl = bar.querySelector(".budget-bar__spent");
      var label = bar.querySelector(".budget-bar__label");
      var amount = bar.querySelector(".budget-bar__amount");
      var fill = bar.querySelector(".budget-bar__fill");
      var boxes = form.querySelectorAll("input[type=checkbox][data-cost]");
      var update = function () {
        var spent = 0;
        boxes.forEach(function (box) { if (box.checked) { spent += fen(box.dataset.cost); } });
        var over = spent > budget;
        spentEl.textContent = fmtFen(spent);
        label.textContent = over ? label.dataset.overLabel : label.dataset.leftLabel;
        amount.textContent = fmtFen(Math.abs(budget - spent));
        fill.style.width = Math.min(100, (spent / budget) * 100).toFixed(1) + "%";
        bar.classList.toggle("budget-bar--over", over);
        boxes.forEach(function (box) {
          var cost = fen(box.dataset.cost);
          box.closest(".ballot-project").classList.toggle("ballot-project--unaffordable", !box.checked && spent + cost > budget);
        });
      };
      boxes.forEach(function (box) { box.addEventListener("change", update); });
      update();
    } else if (kind === "cumulative") {
      var total = parseInt(form.dataset.points, 10);
      var pbar = document.getElementById("points-bar");
      var used = pbar.querySelector(".points-used");
      var pfill = pbar.querySelector(".budget-bar__fill");
      var inputs = form.querySelectorAll("input[type=number]");
      var count = function () {
        var sum = 0;
        inputs.forEach(function (input) { sum += Math.max(0, parseInt(input.value, 10) || 0); });
        used.textContent = sum;
        pfill.style.width = Math.min(100, (sum / total) * 100).toFixed(1) + "%";
        pbar.classList.toggle("budget-bar--over", sum > total);
      };
      inputs.forEach(function (input) { input.addEventListener("input", count); });
      count();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.ballot-form").forEach(setup);
  });
})();
