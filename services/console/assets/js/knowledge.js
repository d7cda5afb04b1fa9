// The knowledge editor's and admin's screens: the review queue's refresh held while a reason is
// typed, forms cleared after a successful add, a file read into its textarea, a table filter,
// a department's phone rows added and removed.
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

  // A form marked data-reset-on-success is emptied after the server took it. Only a 2xx
  // answer: the page's htmx config swaps error answers too (into #flash), which makes htmx
  // count them as successful, and a refused form keeps what was typed.
  document.addEventListener("htmx:afterRequest", function (e) {
    var el = e.detail && e.detail.elt;
    var status = e.detail && e.detail.xhr ? e.detail.xhr.status : 0;
    if (el && el.hasAttribute && el.hasAttribute("data-reset-on-success") && status >= 200 && status < 300) {
      el.reset();
      // reset() restores the value the page came with: a field filled in from elsewhere (the
      // caller's words from the unanswered report) is emptied too, once it was taken.
      el.querySelectorAll("[data-prefilled]").forEach(function (f) { f.value = ""; });
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

  // Repeated rows (a department's phones): `data-add-row="#list"` appends a copy of its
  // `data-template`, with fresh ids; `data-remove-row` takes its row away (the last one is
  // emptied instead, so there is always a row to type into).
  var rowSerial = 0;
  document.addEventListener("click", function (e) {
    var add = e.target.closest && e.target.closest("[data-add-row]");
    if (add) {
      var list = document.querySelector(add.getAttribute("data-add-row"));
      var tpl = document.querySelector(add.getAttribute("data-template"));
      if (!list || !tpl || !tpl.content) { return; }
      var row = tpl.content.firstElementChild.cloneNode(true);
      var id = "n" + (++rowSerial);
      row.querySelectorAll("[id], [for]").forEach(function (el) {
        ["id", "for"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) { el.setAttribute(a, v.replace("__N__", id)); }
        });
      });
      list.appendChild(row);
      var first = row.querySelector("input");
      if (first) { first.focus(); }
      return;
    }
    var remove = e.target.closest && e.target.closest("[data-remove-row]");
    if (remove) {
      var r = remove.parentElement;
      if (r.parentElement && r.parentElement.children.length > 1) {
        r.parentElement.removeChild(r);
      } else {
        r.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      }
    }
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
