// Idle warning: one minute before the server ends an idle session, offer to stay.
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
  if (!timeout) { return; }
  var warning = document.getElementById("idle-warning");
  var stay = document.getElementById("idle-stay");
  var warnTimer, endTimer;
  function arm() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.hidden = true;
    warnTimer = setTimeout(function () { warning.hidden = false; stay.focus(); },
      Math.max(timeout - 60, 1) * 1000);
    endTimer = setTimeout(function () { window.location.reload(); }, (timeout + 1) * 1000);
  }
  stay.addEventListener("click", function () {
    fetch(window.location.href, { credentials: "same-origin", headers: { "HX-Request": "keepalive" } })
      .then(arm);
  });
  arm();
})();

// Wide tables on a phone: each table scrolls sideways inside its own box instead of
// widening the page; a box that does scroll can be reached and scrolled by keyboard.
(function () {
  "use strict";
  var counter = 0;
  function fit(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
    } else {
      box.removeAttribute("tabindex");
    }
  }
  // A card on a phone names each cell: the template's data-label, else the column's header.
  // A template that labels some cells has chosen (the others are a card's title or hidden).
  function label(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length || table.querySelector("tbody td[data-label]")) { return; }
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        var head = heads[index];
        if (head && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", head.textContent.trim());
        }
      });
    });
  }
  function wrap() {
    // Every list is a set of cards on a phone; a form laid out as a table (.formset) is not.
    Array.prototype.forEach.call(document.querySelectorAll("main table:not(.formset)"), function (table) {
      table.classList.add("cards-on-phone");
      label(table);
    });
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      var caption = table.querySelector("caption");
      if (caption && !box.hasAttribute("aria-labelledby")) {
        caption.id = caption.id || "vigie-table-caption-" + (++counter);
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", caption.id);
      }
      fit(box);
    });
  }
  function fitAll() {
    Array.prototype.forEach.call(document.querySelectorAll("main .table-scroll"), fit);
  }
  wrap();
  document.body.addEventListener("htmx:load", wrap);
  window.addEventListener("resize", fitAll);
})();

// The header's Menu button on a phone: a disclosure (aria-expanded on a real button, so
// keyboard and screen readers work; Escape closes it and gives the focus back). Without
// this script the button stays hidden and every link is shown.
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  if (!toggle) { return; }
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  function show(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-collapsed", !open);
  }
  function fit() {
    toggle.hidden = !narrow.matches;
    show(!narrow.matches);
  }
  toggle.addEventListener("click", function () {
    show(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && toggle.getAttribute("aria-expanded") === "true") {
      show(false);
      toggle.focus();
    }
  });
  narrow.addEventListener("change", fit);
  fit();
})();

// A field needed only for one answer (the comment of a checklist point "not done"): shown
// when that answer is chosen, when it holds text or an error; always shown without JS.
(function () {
  "use strict";
  function bind(area) {
    var box = area.closest(".field") || area.parentElement;
    var name = area.name.replace(/-comment$/, "-status");
    var radios = document.querySelectorAll('input[type=radio][name="' + name + '"]');
    function update() {
      var chosen = Array.prototype.some.call(radios, function (radio) {
        return radio.checked && radio.value === area.dataset.neededWhen;
      });
      var keep = chosen || area.value.trim() !== "" || area.getAttribute("aria-invalid") === "true";
      box.hidden = !keep;
      if (chosen && !box.dataset.shown) { box.dataset.shown = "1"; }
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", function () {
        update();
        if (radio.checked && radio.value === area.dataset.neededWhen) { area.focus(); }
      });
    });
    update();
  }
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-needed-when]"), bind);
})();

// The 72-hour countdown of an incident banner, live (the server wrote it right at load).
(function () {
  "use strict";
  var clocks = document.querySelectorAll("time[data-countdown]");
  if (!clocks.length) { return; }
  function tick() {
    Array.prototype.forEach.call(clocks, function (clock) {
      var left = Math.max(0, Date.parse(clock.getAttribute("datetime")) - Date.now());
      var minutes = Math.floor(left / 60000);
      var text = Math.floor(minutes / 60) + " h " + ("0" + (minutes % 60)).slice(-2) + " min";
      clock.textContent = clock.dataset.format.replace("{time}", text);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
