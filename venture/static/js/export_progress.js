// Polls an export job's status and updates its page until the ZIP is ready or the job failed.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-bar");
  var state = document.getElementById("export-state");
  var count = document.getElementById("export-count");
  var error = document.getElementById("export-error");
  var download = document.getElementById("export-download");

  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent + "%";
    state.textContent = status.label;
    count.textContent = status.done + " / " + status.total;
    if (status.state === "done") {
      download.href = status.download;
      download.hidden = false;
      return true;
    }
    if (status.state === "failed") {
      error.textContent = status.error || "";
      error.hidden = false;
      return true;
    }
    return false;
  }

  function poll(delay) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && show(status)) { return; }
        // back off gently on a long job; a failed request is retried the same way
        setTimeout(function () { poll(Math.min(delay * 1.5, 5000)); }, delay);
      })
      .catch(function () { setTimeout(function () { poll(Math.min(delay * 2, 10000)); }, delay); });
  }

  poll(700);
})();
