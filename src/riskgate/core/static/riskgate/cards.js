// Below 600 px every officer list (table.rows) is shown as one card per row (app.css); this gives each cell
// the name of its column, read from the table's header, so that a card reads "Status  Verified" rather than a
// bare value. Lists swapped in by htmx (filters, pages) get their labels too. Without script the cards show
// their values without the names, and on a wider screen nothing changes.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table.rows").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/[\u25b2\u25bc\u21c5]/g, "").trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          if (span === 1 && names[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += span;
        });
      });
    });
  }
  label(document);
  document.addEventListener("htmx:afterSettle", function (event) { label(event.target); });
})();
