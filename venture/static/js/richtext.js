// A rich-text editor (Quill, bundled in static/vendor/quill) over a textarea marked
// data-richtext. The textarea stays in the form and is what is sent: the editor writes its
// HTML back into it on every change, so the server receives the same field as without
// JavaScript and cleans it with nh3 as before. Without JavaScript (or without Quill) the
// plain textarea is left as it is. Text typed before a refused save comes back in the
// textarea and is loaded into the editor again.
(function () {
  "use strict";
  if (typeof window.Quill === "undefined") return;

  var FORMATS = ["bold", "italic", "underline", "header", "list", "blockquote", "link"];
  var TOOLBAR = [
    ["bold", "italic", "underline"],
    [{ header: 3 }, { header: 4 }, "blockquote"],
    [{ list: "ordered" }, { list: "bullet" }],
    ["link", "clean"],
  ];
  var TAG = /<[a-zA-Z\/]/;

  function labelsFor(textarea) {
    try {
      return JSON.parse(textarea.getAttribute("data-richtext-labels") || "{}");
    } catch (error) {
      return {};
    }
  }

  function nameButtons(toolbar, labels) {
    Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (button) {
      var format = (button.className.match(/ql-([a-z]+)/) || [])[1];
      var key = button.value ? format + "-" + button.value : format;
      var label = labels[key];
      if (label) {
        button.setAttribute("aria-label", label);
        button.setAttribute("title", label);
      }
    });
  }

  function htmlOf(quill) {
    if (quill.getText().trim() === "") return "";
    // Quill keeps runs of spaces as non-breaking spaces; plain spaces read the same once
    // cleaned and do not stop lines from wrapping on the published page.
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ").replace(/\u00a0/g, " ");
  }

  function enhance(textarea) {
    var holder = document.createElement("div");
    holder.className = "richtext-editor";
    var area = document.createElement("div");
    area.className = "richtext-area";
    holder.appendChild(area);
    textarea.parentNode.insertBefore(holder, textarea);

    var quill = new window.Quill(area, {
      theme: "snow",
      formats: FORMATS,
      modules: { toolbar: TOOLBAR },
    });
    var value = textarea.value || "";
    if (TAG.test(value)) {
      quill.setContents(quill.clipboard.convert({ html: value }), "silent");
    } else {
      quill.setText(value, "silent");
    }

    var editable = quill.root;
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) label.id = textarea.id + "-label";
      editable.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () {
        quill.focus();
      });
    }
    editable.setAttribute("role", "textbox");
    editable.setAttribute("aria-multiline", "true");
    var describedBy = textarea.getAttribute("aria-describedby");
    if (describedBy) editable.setAttribute("aria-describedby", describedBy);
    if (textarea.classList.contains("is-invalid")) {
      holder.classList.add("is-invalid");
      editable.setAttribute("aria-invalid", "true");
    }
    editable.id = textarea.id + "-editor";

    var toolbar = holder.querySelector(".ql-toolbar");
    var labels = labelsFor(textarea);
    if (toolbar) {
      toolbar.setAttribute("role", "toolbar");
      if (labels.toolbar) toolbar.setAttribute("aria-label", labels.toolbar);
      nameButtons(toolbar, labels);
    }

    function sync() {
      textarea.value = htmlOf(quill);
    }
    quill.on("text-change", sync);
    if (textarea.form) textarea.form.addEventListener("submit", sync);

    textarea.hidden = true;
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    holder.setAttribute("data-richtext-for", textarea.id);
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-richtext]"), enhance);
})();
