// The workbench's keys and small helpers. No inline script anywhere (the CSP forbids it):
// behaviour hangs on data attributes.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function hits() {
    return Array.prototype.slice.call(document.querySelectorAll("#results [data-hit]"));
  }

  function select(list, i) {
    list.forEach(function (h, j) { h.classList.toggle("selected", j === i); h.setAttribute("aria-selected", j === i ? "true" : "false"); });
    if (list[i]) { list[i].scrollIntoView({ block: "nearest" }); }
  }

  function selectedIndex(list) {
    for (var i = 0; i < list.length; i++) { if (list[i].classList.contains("selected")) { return i; } }
    return -1;
  }

  // Copies a text: the clipboard API where the page is a secure context, else a selection.
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }
  function copyFrom(el) {
    var target = el.getAttribute("data-copy") ? document.querySelector(el.getAttribute("data-copy")) : el;
    if (!target) { return; }
    copyText(target.innerText.trim(), function () {
      el.classList.add("copied");
      setTimeout(function () { el.classList.remove("copied"); }, 1200);
    });
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-copy]");
    if (el) { e.preventDefault(); copyFrom(el); }
  });

  document.addEventListener("keydown", function (e) {
    var active = document.activeElement;
    var search = document.getElementById("q");
    // Alt+key: the element that declares it (wrap-up actions, scripts).
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      var target = document.querySelector('[data-hotkey="' + key + '"]');
      if (target) {
        e.preventDefault();
        if (target.hasAttribute("data-copy")) { copyFrom(target); } else { target.click(); if (target.focus) { target.focus(); } }
        return;
      }
    }
    if (e.key === "Escape") {
      var open = document.querySelector("dialog[open]");
      if (open) { return; } // the dialog closes itself
      if (search && (active === search || !typing(active))) {
        search.value = "";
        var results = document.getElementById("results");
        if (results) { results.innerHTML = ""; }
        search.focus();
        e.preventDefault();
      }
      return;
    }
    if (search && (active === search || !typing(active)) && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      var list = hits();
      if (list.length) {
        var i = selectedIndex(list);
        i = e.key === "ArrowDown" ? Math.min(i + 1, list.length - 1) : Math.max(i - 1, 0);
        select(list, i);
        e.preventDefault();
      }
      return;
    }
    if (e.key === "Enter" && search && active === search) {
      var all = hits();
      var k = selectedIndex(all);
      if (k >= 0) {
        var open2 = all[k].querySelector("[data-open]") || all[k];
        e.preventDefault();
        open2.click();
      }
      return;
    }
    if (typing(active) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "/" && search) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === "?") {
      var keys = document.getElementById("keys");
      if (keys && keys.showModal) { e.preventDefault(); keys.showModal(); }
    }
  });

  // After new search results arrive, the first one is selected, ready for Enter.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === "results") {
      var list = hits();
      if (list.length) { select(list, 0); }
    }
  });

  // A form may ask for a confirmation first (`data-confirm`): hx-confirm needs no eval, but
  // plain forms use this.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var text = form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { e.preventDefault(); }
  });
})();
