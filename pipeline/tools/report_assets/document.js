// The "show labels" box: each mark's label shown after it (CSS ::after, not part of the text).
(function () {
  var box = document.getElementById("show-labels");
  var text = document.getElementById("text");
  if (!box || !text) { return; }
  box.addEventListener("change", function () {
    text.classList.toggle("labelled", box.checked);
  });
})();
