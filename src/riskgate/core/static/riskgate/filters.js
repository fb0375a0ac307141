// On a phone, a list's filters fold behind one button so that the first results are on the first screen
// (issue 26). Without script, or on a wider screen, the filters are simply shown.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 600px)");
  document.querySelectorAll("form.filters[data-fold]").forEach(function (form) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fold-toggle";
    button.textContent = form.getAttribute("data-fold");
    button.setAttribute("aria-controls", form.id);
    button.setAttribute("aria-expanded", form.hasAttribute("data-open") ? "true" : "false");
    form.parentNode.insertBefore(button, form);
    function apply() {
      var open = button.getAttribute("aria-expanded") === "true";
      button.hidden = !narrow.matches;
      form.hidden = narrow.matches && !open;
    }
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
      apply();
    });
    narrow.addEventListener("change", apply);
    apply();
  });
})();
