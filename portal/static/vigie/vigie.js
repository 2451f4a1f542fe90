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
