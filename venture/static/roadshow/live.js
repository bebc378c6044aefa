// Roadshow pages (display, phone, console): poll the session's JSON state and redraw in place.
// Polling, not server-sent events: each request is short, so a few sync workers serve a hall
// full of phones (docs/architecture.md). Words come from the page ([data-live-texts]).
(function () {
  "use strict";

  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch) { return; }
  var mode = root.dataset.live;
  var stateUrl = root.dataset.stateUrl;
  var pollMs = parseInt(root.dataset.pollMs, 10) || 1500;
  var texts = (document.querySelector("[data-live-texts]") || {dataset: {}}).dataset;
  var failures = 0;
  var pollTimer = null;
  var timerDeadline = null;   // ms clock when the presentation time runs out (timer running)
  var timerStill = null;      // seconds left while the timer is stopped

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function clock(seconds) {
    var sign = seconds < 0 ? "+" : "";
    seconds = Math.abs(Math.trunc(seconds));
    var rest = seconds % 60;
    return sign + Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  function setText(selector, text) {
    all(selector).forEach(function (el) { el.textContent = text; });
  }

  function setHidden(selector, hidden) {
    all(selector).forEach(function (el) { el.hidden = hidden; });
  }

  // ── the timer: counts down locally between polls ──────────────────────────────────────────

  function setTimer(item) {
    if (!item) { timerDeadline = null; timerStill = 0; return; }
    if (item.timer_running) {
      timerDeadline = Date.now() + item.remaining * 1000;
      timerStill = null;
    } else {
      timerDeadline = null;
      timerStill = item.remaining;
    }
    tick();
  }

  function readTimerFromPage() {
    var el = document.querySelector("[data-timer]");
    if (!el) { return; }
    setTimer({remaining: parseInt(el.dataset.remaining, 10) || 0,
              timer_running: el.dataset.running === "true"});
  }

  function tick() {
    var left = timerDeadline !== null ? Math.ceil((timerDeadline - Date.now()) / 1000) : timerStill;
    if (left === null || left === undefined) { return; }
    all("[data-timer]").forEach(function (el) {
      el.textContent = clock(left);
      el.classList.toggle("overtime", left < 0);
      el.classList.toggle("paused", timerDeadline === null);
    });
    setHidden("[data-overtime-badge]", !(left < 0));
  }

  // ── seats, counts and the aggregate ───────────────────────────────────────────────────────

  function drawSeats(state) {
    all("[data-seats]").forEach(function (list) {
      list.textContent = "";
      if (!state.seats.length) {
        var empty = document.createElement("li");
        empty.className = "text-muted";
        empty.textContent = texts.tNoSeats || "";
        list.appendChild(empty);
      }
      state.seats.forEach(function (seat) {
        var li = document.createElement("li");
        li.className = "seat-" + seat.status;
        li.dataset.seat = seat.seat;
        var label = document.createElement("span");
        label.className = "seat-label";
        label.textContent = seat.label + (seat.name ? " · " + seat.name : "");
        var status = document.createElement("span");
        status.className = "seat-status";
        status.textContent = seat.status_label;
        li.appendChild(label);
        li.appendChild(status);
        list.appendChild(li);
      });
    });
    setText("[data-submitted-count]",
            fill(texts.tSubmittedCount, {done: state.submitted, all: state.expected}));
  }

  function drawAggregate(aggregate) {
    all("[data-aggregate]").forEach(function (box) {
      box.textContent = "";
      box.hidden = !aggregate;
      if (!aggregate) { return; }
      var caption = document.createElement("div");
      caption.className = "text-muted";
      var value = document.createElement("div");
      value.className = "aggregate-value";
      value.dataset.mean = "";
      if (aggregate.sheets) {
        caption.textContent = fill(texts.tMeanOf, {n: aggregate.sheets});
        value.textContent = aggregate.mean;
        box.appendChild(caption);
        box.appendChild(value);
        if (aggregate.trimmed) {
          var trimmed = document.createElement("div");
          trimmed.dataset.trimmed = "";
          trimmed.textContent = fill(texts.tTrimmed, {value: aggregate.trimmed});
          box.appendChild(trimmed);
        }
      } else {
        value.textContent = "—";
        caption.textContent = texts.tNoSheets || "";
        box.appendChild(value);
        box.appendChild(caption);
      }
    });
  }

  // ── the display: everything drawn from the state ──────────────────────────────────────────

  function drawDisplay(state) {
    var item = state.item;
    setText("[data-roadshow-state]", state.roadshow.state_label);
    ["scheduled", "cancelled", "finished"].forEach(function (name) {
      setHidden('[data-when="' + name + '"]', state.roadshow.state !== name);
    });
    setHidden("[data-item-box]", !item);
    if (item) {
      setText("[data-position]", fill(texts.tPosition, {n: item.position, count: state.roadshow.count}));
      setText("[data-item-title]", item.title);
      setText("[data-item-org]", item.organization || "");
      setHidden("[data-item-org]", !item.organization);
      setText("[data-item-number]", item.number);
      setText("[data-item-state]", item.state_label);
    }
    setHidden("[data-next]", !state.next);
    setText("[data-next-title]", state.next ? state.next.title : "");
    drawSeats(state);
    drawAggregate(state.aggregate);
    setTimer(item);
    root.dataset.key = state.key;
  }

  // ── phone and console: seats and timer in place; the rest redrawn by the server ───────────

  var fragmentLoading = false;

  function refreshFragment() {
    if (fragmentLoading) { return; }
    fragmentLoading = true;
    flushDraft().then(function () {
      return fetch(root.dataset.pageUrl || window.location.pathname,
                   {credentials: "same-origin", cache: "no-store"});
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-fragment]");
      var current = document.querySelector("[data-fragment]");
      if (fresh && current) {
        current.innerHTML = fresh.innerHTML;
        current.dataset.key = fresh.dataset.key;
        bindSheet();
        bindCopy();
        readTimerFromPage();
      }
    }).catch(function () { /* the next poll tries again */ }).then(function () {
      fragmentLoading = false;
    });
  }

  function drawInPlace(state) {
    var fragment = document.querySelector("[data-fragment]");
    if (fragment && fragment.dataset.key !== state.key) {
      refreshFragment();
      return;
    }
    if (state.item) {
      drawSeats(state);
      drawAggregate(state.aggregate);
      setTimer(state.item);
    }
  }

  // ── polling ───────────────────────────────────────────────────────────────────────────────

  function schedule(delay) {
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(poll, delay);
  }

  function poll() {
    if (document.hidden) { return; }  // resumes on visibilitychange
    fetch(stateUrl, {credentials: "same-origin", cache: "no-store",
                     headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        setHidden("[data-offline]", true);
        if (mode === "display") { drawDisplay(state); } else { drawInPlace(state); }
        schedule(pollMs);
      })
      .catch(function () {
        failures += 1;
        setText("[data-offline]", texts.tOffline || "");
        setHidden("[data-offline]", false);
        schedule(Math.min(pollMs * Math.pow(2, failures), 15000));
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); } else { flushDraft(); }
  });

  // ── the phone's score sheet: live total and drafts saved as the reviewer types ────────────

  var saveTimer = null;
  var dirty = false;
  var saving = null;

  function number(text) {
    var value = (text || "").trim().replace(/[０-９．。]/g, function (c) {
      return c === "．" || c === "。" ? "." : String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    return /^\d+(\.\d+)?$/.test(value) ? parseFloat(value) : null;
  }

  function updateTotal(form) {
    var total = document.getElementById("live-total");
    if (!total) { return; }
    var sum = 0, counted = 0;
    form.querySelectorAll(".score-input").forEach(function (input) {
      var value = number(input.value);
      if (value !== null && value <= parseFloat(input.dataset.max) && (value * 2) % 1 === 0) {
        sum += value; counted += 1;
      }
    });
    total.textContent = counted ? String(Math.round(sum * 10) / 10) : "—";
  }

  function draftBody(form) {
    var body = new FormData(form);
    body.delete("action");
    return body;
  }

  function showDraftResult(form, result) {
    var status = document.getElementById("draft-status");
    if (status) { status.textContent = result.message || ""; }
    if (!result.saved) { return; }
    form.querySelectorAll("[data-feedback]").forEach(function (box) {
      var message = (result.errors || {})[box.dataset.feedback] || "";
      box.textContent = message;
      var input = document.getElementById("score-" + box.dataset.feedback);
      if (input) { input.classList.toggle("is-invalid", !!message); }
    });
  }

  function saveDraft() {
    var form = document.getElementById("sheet-form");
    if (!form || !dirty) { return Promise.resolve(); }
    if (saving) { return saving; }
    dirty = false;
    var status = document.getElementById("draft-status");
    if (status) { status.textContent = texts.tSaving || ""; }
    var token = form.querySelector("[name=csrf_token]");
    saving = fetch(form.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"},
      body: draftBody(form)
    }).then(function (response) {
      return response.json().then(function (result) {
        showDraftResult(form, result);
        if (response.status === 409) { schedule(0); }  // the item closed: redraw
      });
    }).catch(function () {
      dirty = true;
      if (status) { status.textContent = texts.tSaveFailed || ""; }
      window.clearTimeout(saveTimer);
      saveTimer = window.setTimeout(saveDraft, 3000);
    }).then(function () {
      saving = null;
      if (dirty) { scheduleSave(); }
    });
    return saving;
  }

  function scheduleSave() {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 800);
  }

  function flushDraft() {
    window.clearTimeout(saveTimer);
    return saveDraft();
  }

  function bindSheet() {
    var form = document.getElementById("sheet-form");
    if (!form) { return; }
    dirty = false;
    form.addEventListener("input", function () {
      updateTotal(form);
      dirty = true;
      scheduleSave();
    });
    form.addEventListener("submit", function () {
      // the form itself carries the typed values; no draft request races it
      window.clearTimeout(saveTimer);
      dirty = false;
    });
    updateTotal(form);
  }

  window.addEventListener("pagehide", function () {
    var form = document.getElementById("sheet-form");
    if (form && dirty && navigator.sendBeacon) {
      navigator.sendBeacon(form.dataset.draftUrl, draftBody(form));
      dirty = false;
    }
  });

  // ── the console's copy button ─────────────────────────────────────────────────────────────

  function bindCopy() {
    all("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.querySelector(button.dataset.copy);
        if (!input) { return; }
        input.select();
        var done = function () { button.textContent = button.dataset.copied; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {});
        } else if (document.execCommand && document.execCommand("copy")) {
          done();
        }
      });
    });
  }

  window.setInterval(tick, 250);
  readTimerFromPage();
  bindSheet();
  bindCopy();
  schedule(pollMs);
})();
