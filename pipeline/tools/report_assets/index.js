// Filter the document table by any text in a row; no network, no library.
(function () {
  var input = document.getElementById("filter");
  if (!input) { return; }
  var rows = document.querySelectorAll("#documents tbody tr");
  input.addEventListener("input", function () {
    var query = input.value.toLowerCase();
    rows.forEach(function (row) {
      row.style.display = row.textContent.toLowerCase().indexOf(query) === -1 ? "none" : "";
    });
  });
})();
