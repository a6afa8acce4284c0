// Comity — the report page of a consultation: tap a group on the opinion map or in its legend to highlight
// its members and read what sets it apart; a Print button. Everything works without it: the legend links to
// each group's statements further down.
//
// SPDX-License-Identifier: AGPL-3.0-or-later
// Copyright (C) The Comity developers. This program is free software: you can redistribute it and/or modify
// it under the terms of the GNU Affero General Public License as published by the Free Software Foundation,
// either version 3 of the License, or (at your option) any later version. See the LICENSE file.
(function () {
  "use strict";

  function setUpMap(map) {
    var section = map.closest("section");
    var focus = section.querySelector("[data-map-focus]");
    var links = section.querySelectorAll("a.group-link[data-group]");
    var active = null;

    function clear() {
      active = null;
      map.removeAttribute("data-active");
      map.querySelectorAll(".is-active").forEach(function (node) { node.classList.remove("is-active"); });
      links.forEach(function (link) { link.removeAttribute("aria-current"); });
      if (focus) { focus.hidden = true; focus.textContent = ""; }
    }

    function show(group) {
      if (active === group) { clear(); return; }
      clear();
      active = group;
      map.setAttribute("data-active", group);
      map.querySelectorAll('[data-group="' + group + '"]').forEach(function (node) { node.classList.add("is-active"); });
      links.forEach(function (link) {
        if (link.dataset.group === group) { link.setAttribute("aria-current", "true"); }
      });
      var card = document.querySelector('[data-group-card="' + group + '"]');
      if (!focus || !card) { return; }
      focus.textContent = "";
      focus.style.setProperty("--group", card.style.getPropertyValue("--group"));
      Array.prototype.forEach.call(card.children, function (child) {
        var copy = child.cloneNode(true);
        copy.removeAttribute("id");
        copy.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
        focus.appendChild(copy);
      });
      var actions = document.createElement("div");
      actions.className = "actions";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "button button--secondary button--small";
      close.textContent = map.dataset.closeLabel || "×";
      close.addEventListener("click", function () {
        var link = section.querySelector('a.group-link[data-group="' + group + '"]');
        clear();
        if (link) { link.focus(); }
      });
      actions.appendChild(close);
      focus.appendChild(actions);
      focus.hidden = false;
      focus.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }

    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(link.dataset.group);
      });
    });
    map.addEventListener("click", function (event) {
      var target = event.target.closest("[data-group]");
      if (target) { show(target.dataset.group); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg[data-map]").forEach(setUpMap);
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // Closed details print as their summary only: open the explanations on paper.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details").forEach(function (details) { details.open = true; });
    });
  });
})();
