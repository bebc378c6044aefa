// Page-wide touches that markup alone cannot give: a wide table's scrolling box can be reached
// and scrolled with the keyboard, and is announced with a name (WCAG 2.1.1).
(function () {
  "use strict";
  var fallback = document.body.getAttribute("data-table-label") || "";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var previous = box.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
    return previous ? previous.textContent.trim() : fallback;
  }

  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", nameOf(box));
    }
  });
})();
