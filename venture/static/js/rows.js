// Repeating form rows (budget lines, milestones, installments) and upload size checks.
// Without JavaScript the forms still work: they offer a few empty rows, and an emptied row is
// dropped by the server.
(function () {
  "use strict";

  function renumber(row, index) {
    ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
      row.querySelectorAll("[" + attr + "]").forEach(function (el) {
        el.setAttribute(attr, el.getAttribute(attr).replace(/-\d+-/, "-" + index + "-"));
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = false;
      } else if (el.tagName === "SELECT") {
        el.selectedIndex = 0;
      } else {
        el.value = "";
      }
      el.classList.remove("is-invalid");
    });
    row.querySelectorAll(".invalid-feedback, [data-computed]").forEach(function (el) {
      el.textContent = "";
    });
  }

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var body = document.getElementById(button.getAttribute("data-add-row"));
      var rows = body.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      renumber(copy, rows.length);
      clear(copy);
      last.after(copy);
      var first = copy.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    });
  });

  document.querySelectorAll("[data-clear-row]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-clear-row]");
    if (button) {
      clear(button.closest("[data-row]"));
    }
  });

  // refuse a too large file before it is sent, with the same message the server gives
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var max = parseInt(input.getAttribute("data-max-bytes"), 10);
      var tooLarge = Array.prototype.some.call(input.files, function (file) {
        return file.size > max;
      });
      var feedback = document.getElementById(input.id + "-size");
      if (tooLarge) {
        input.value = "";
      }
      input.classList.toggle("is-invalid", tooLarge);
      if (feedback) {
        feedback.textContent = tooLarge ? input.getAttribute("data-too-large") : "";
      }
    });
  });
})();
