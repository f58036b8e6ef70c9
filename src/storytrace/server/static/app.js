// Hovering a shared passage outlines its counterpart in the other column.
// Reads only data attributes and toggles classes; never writes HTML.
"use strict";
document.addEventListener("mouseover", function (event) {
  var mark = event.target.closest ? event.target.closest("mark.hl[data-p]") : null;
  var active = document.querySelectorAll("mark.hl.active");
  for (var i = 0; i < active.length; i++) active[i].classList.remove("active");
  if (!mark || mark.dataset.p === "0") return;
  var pair = mark.closest(".pair");
  if (!pair) return;
  var same = pair.querySelectorAll('mark.hl[data-p="' + String(Number(mark.dataset.p)) + '"]');
  for (var j = 0; j < same.length; j++) same[j].classList.add("active");
});
