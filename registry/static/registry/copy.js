// "Copier" buttons of the CNIL notification page: each copies the answer it names
// (data-copy = the id of the element holding the text). Without JavaScript the buttons stay
// hidden and the answers are selected by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var text = button.querySelector(".copy-label") || button;
    var label = text.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(source ? source.innerText : "").then(function () {
        text.textContent = button.dataset.done || label;
        setTimeout(function () { text.textContent = label; }, 2000);
      });
    });
  });
})();
