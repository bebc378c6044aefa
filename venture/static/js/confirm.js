// Confirmations before irreversible actions. A button (or a form) with data-confirm="…" asks
// first, in a dialog that says what becomes final; Confirm sends the form as the button would
// have, Cancel (or Escape) leaves the page as it was. Without JavaScript the form is sent
// directly and the server's own checks still apply.
(function () {
  "use strict";
  var body = document.body;
  var confirmLabel = body.getAttribute("data-confirm-yes") || "OK";
  var cancelLabel = body.getAttribute("data-confirm-no") || "Cancel";
  var titleText = body.getAttribute("data-confirm-title") || "";

  function dialogFor(message, onConfirm) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-message");
    dialog.innerHTML =
      '<div class="confirm-body"><h2 class="h5" id="confirm-title"></h2><p class="mb-0" id="confirm-message"></p></div>' +
      '<div class="confirm-actions"><button type="button" class="btn btn-outline-secondary" data-answer="no"></button>' +
      '<button type="button" class="btn btn-primary" data-answer="yes"></button></div>';
    dialog.querySelector("#confirm-title").textContent = titleText;
    dialog.querySelector("#confirm-message").textContent = message;
    dialog.querySelector('[data-answer="no"]').textContent = cancelLabel;
    dialog.querySelector('[data-answer="yes"]').textContent = confirmLabel;
    dialog.addEventListener("click", function (event) {
      var answer = event.target.getAttribute && event.target.getAttribute("data-answer");
      if (!answer) return;
      dialog.close(answer);
    });
    dialog.addEventListener("close", function () {
      var yes = dialog.returnValue === "yes";
      dialog.remove();
      if (yes) onConfirm();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    dialog.querySelector('[data-answer="no"]').focus();
    return dialog;
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter || null;
      var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
      var message = source.getAttribute("data-confirm");
      if (!message || form.dataset.confirmed === "1") return;
      // before the page's own submit handlers (the roadshow phone sends by fetch)
      event.preventDefault();
      event.stopImmediatePropagation();
      dialogFor(message, function () {
        form.dataset.confirmed = "1";
        if (form.requestSubmit) {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
        delete form.dataset.confirmed;
      });
    },
    true
  );
})();
