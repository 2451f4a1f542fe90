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
  function wrap() {
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
