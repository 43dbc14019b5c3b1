// Sortable tables: a click on a column's heading (or Enter on it) sorts the rows by that column,
// again the other way. A cell sorts by its data-sort value when it has one, else by its text;
// numbers as numbers, empty cells last, ties keep their order. No network, no library.
(function () {
  function key(cell) {
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return value.trim();
  }
  function numeric(values) {
    return values.every(function (v) { return v === "" || !isNaN(Number(v)); });
  }
  function sortBy(table, th, column) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var values = rows.map(function (row) { return key(row.cells[column]); });
    var asNumbers = numeric(values);
    var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var order = rows.map(function (row, i) { return i; });
    order.sort(function (a, b) {
      var x = values[a], y = values[b];
      if (x === "" || y === "") { return (x === "") - (y === "") || a - b; }
      var c = asNumbers ? Number(x) - Number(y) : x.localeCompare(y, undefined, {numeric: true});
      return c * direction || a - b;
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.tabIndex = 0;
      th.title = "sort by " + th.textContent;
      th.addEventListener("click", function () { sortBy(table, th, column); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, th, column);
        }
      });
    });
  });
})();
