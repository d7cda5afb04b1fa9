// The knowledge editor's and admin's screens: the review queue's refresh held while a reason is
// typed, forms cleared after a successful add, a file read into its textarea, a table filter.
(function () {
  "use strict";

  // The queue refreshes itself every few seconds; a refresh would throw away a half-typed
  // rejection reason, so it waits while any reason box has text or focus.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (!el || !el.hasAttribute || !el.hasAttribute("data-queue")) { return; }
    if (e.detail.requestConfig && e.detail.requestConfig.verb !== "get") { return; }
    var busy = Array.prototype.some.call(el.querySelectorAll("input[name=reason]"), function (i) {
      return i.value.trim() !== "" || i === document.activeElement;
    });
    if (busy) { e.preventDefault(); }
  });

  // A form marked data-reset-on-success is emptied after the server took it.
  document.addEventListener("htmx:afterRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-reset-on-success") && e.detail.successful) {
      el.reset();
      var first = el.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
    }
  });

  // <input type=file data-file-into="#textarea">: the file's text goes into the form.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.getAttribute || !input.getAttribute("data-file-into")) { return; }
    var target = document.querySelector(input.getAttribute("data-file-into"));
    var file = input.files && input.files[0];
    if (!target || !file) { return; }
    var reader = new FileReader();
    reader.onload = function () { target.value = reader.result; };
    reader.readAsText(file, "utf-8");
  });

  // <input data-filter="selector">: hides the rows that do not contain the typed text.
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.getAttribute || !input.getAttribute("data-filter")) { return; }
    var text = input.value.trim().toLowerCase();
    document.querySelectorAll(input.getAttribute("data-filter")).forEach(function (row) {
      row.hidden = text !== "" && row.textContent.toLowerCase().indexOf(text) < 0;
    });
  });
})();
