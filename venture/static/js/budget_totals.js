// Live totals in the application's budget table: each line's amount (unit price × quantity) and
// the column totals follow what is typed. Exact cents with BigInt, rounded half up like the
// server; the server recomputes everything on save and stays the authority. A field that cannot
// be read leaves its line out of the totals and shows no amount.
(function () {
  "use strict";
  var body = document.getElementById("budget-rows");
  if (!body || typeof BigInt === "undefined") return;
  var table = body.closest("table");

  function cents(text) {
    // "¥1,234.5" → 123450n; null when empty or not a plain amount with at most two decimals
    var clean = (text || "").replace(/[¥￥元,，\s]/g, "");
    if (!clean) return null;
    var match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(clean);
    if (!match) return undefined;
    return BigInt(match[1]) * 100n + BigInt(((match[2] || "") + "00").slice(0, 2));
  }

  function yuan(value) {
    var negative = value < 0n;
    if (negative) value = -value;
    var whole = (value / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var fraction = (value % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + "¥" + whole + "." + fraction;
  }

  function field(row, name) {
    var input = row.querySelector("[name$='-" + name + "']");
    return input ? cents(input.value) : null;
  }

  function update() {
    var total = 0n, requested = 0n, own = 0n;
    body.querySelectorAll("[data-row]").forEach(function (row) {
      var price = field(row, "unit_price"), quantity = field(row, "quantity");
      var cell = row.querySelector(".row-amount");
      if (typeof price === "bigint" && typeof quantity === "bigint") {
        var amount = (price * quantity + 50n) / 100n; // cents × cents / 100, half up
        total += amount;
        if (cell) cell.textContent = yuan(amount);
      } else if (cell) {
        cell.textContent = "";
      }
      var part = field(row, "requested"), mine = field(row, "own_funds");
      if (typeof part === "bigint") requested += part;
      if (typeof mine === "bigint") own += mine;
    });
    table.querySelector("#total-budget").textContent = yuan(total);
    table.querySelector("#total-requested").textContent = yuan(requested);
    table.querySelector("#total-own").textContent = yuan(own);
    var note = document.getElementById("budget-live-note");
    if (note) note.hidden = false;
  }

  body.addEventListener("input", update);
  body.addEventListener("click", function (event) {
    if (event.target.closest("[data-clear-row]")) window.setTimeout(update, 0);
  });
  var label = table.querySelector("[data-total-label]");
  if (label) label.textContent = label.getAttribute("data-total-label");
})();
