// A page that comes back with a form's errors moves the keyboard and screen-reader focus to the error summary at
// the top of that form (the GOV.UK pattern); each line of the summary links to its field. Forms swapped in by
// htmx do the same. Without script the summary is still the first thing in the form.
(function () {
  "use strict";
  function focus(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  focus(document);
  document.addEventListener("htmx:afterSettle", function (event) { focus(event.target); });
})();
