// Review pages: the live total of a score sheet, and the sum of the awards being proposed.
(function () {
  "use strict";

  function number(text) {
    var value = (text || "").trim().replace(/[０-９．]/g, function (c) {
      return c === "．" ? "." : String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/,/g, "");
    if (!/^\d+(\.\d+)?$/.test(value)) { return null; }
    return parseFloat(value);
  }

  var total = document.getElementById("live-total");
  if (total) {
    var inputs = document.querySelectorAll(".score-input");
    var update = function () {
      var sum = 0, counted = 0;
      inputs.forEach(function (input) {
        var value = number(input.value);
        var max = parseFloat(input.dataset.max);
        if (value !== null && value <= max && (value * 2) % 1 === 0) { sum += value; counted += 1; }
      });
      total.textContent = counted ? String(Math.round(sum * 10) / 10) : "—";
    };
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  var proposed = document.getElementById("proposed-total");
  if (proposed) {
    var budget = parseFloat(proposed.dataset.budget);
    var rows = document.querySelectorAll("[data-award-row]");
    // the rows of the other pages of the ranking, proposed as the funding line shows them
    var outside = Math.round(parseFloat(proposed.dataset.outside || "0") * 100);
    var refresh = function () {
      var cents = outside;
      rows.forEach(function (row) {
        var fund = row.querySelector(".fund-check");
        var amount = number(row.querySelector(".amount-input").value);
        if (fund.checked && amount !== null) { cents += Math.round(amount * 100); }
      });
      proposed.textContent = "¥" + (cents / 100).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
      proposed.classList.toggle("text-danger", cents > Math.round(budget * 100));
    };
    rows.forEach(function (row) {
      row.querySelectorAll("input").forEach(function (input) { input.addEventListener("input", refresh); });
    });
    refresh();
  }
})();
