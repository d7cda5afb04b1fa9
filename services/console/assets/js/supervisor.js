// The supervisor's board: the department picker of the dispatch forms. Typing asks the server
// for departments (htmx); a click, or ↑ ↓ and Enter, picks one into the hidden field.
(function () {
  "use strict";

  function choices(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".pick-results [data-pick]"));
  }

  function mark(list, i) {
    list.forEach(function (b, j) {
      b.classList.toggle("selected", j === i);
      b.setAttribute("aria-selected", j === i ? "true" : "false");
    });
  }

  function current(list) {
    for (var i = 0; i < list.length; i++) { if (list[i].classList.contains("selected")) { return i; } }
    return -1;
  }

  function pick(form, button) {
    var hidden = form.querySelector("input[name=department]");
    var search = form.querySelector("input[type=search]");
    if (!hidden || !search) { return; }
    hidden.value = button.getAttribute("data-pick");
    search.value = button.getAttribute("data-name");
    form.classList.add("picked");
    var results = form.querySelector(".pick-results");
    if (results) {
      results.innerHTML = "";
      var note = document.createElement("span");
      note.className = "chosen";
      note.textContent = "已选：" + button.getAttribute("data-name") + "（" + hidden.value + "）";
      results.appendChild(note);
    }
    var submit = form.querySelector("button[type=submit]");
    if (submit) { submit.focus(); }
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("form[data-picker] [data-pick]");
    if (button) { e.preventDefault(); pick(button.closest("form"), button); }
  });

  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form[data-picker]");
    if (form && e.target.type === "search") {
      // The typed text no longer names the picked department.
      var hidden = form.querySelector("input[name=department]");
      if (hidden) { hidden.value = ""; }
      form.classList.remove("picked");
    }
  });

  document.addEventListener("keydown", function (e) {
    var input = e.target;
    var form = input && input.closest && input.closest("form[data-picker]");
    if (!form || input.type !== "search") { return; }
    var list = choices(form);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!list.length) { return; }
      var i = current(list);
      i = e.key === "ArrowDown" ? Math.min(i + 1, list.length - 1) : Math.max(i - 1, 0);
      mark(list, i);
      e.preventDefault();
    } else if (e.key === "Enter") {
      var k = current(list);
      if (list.length) {
        e.preventDefault();
        pick(form, list[Math.max(k, 0)]);
      } else if (!form.querySelector("input[name=department]").value) {
        // Nothing picked yet: Enter searches, it does not dispatch.
        e.preventDefault();
      }
    }
  });

  // New results: the first is selected, ready for Enter.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (target && target.classList && target.classList.contains("pick-results")) {
      var list = choices(target.closest("form"));
      if (list.length) { mark(list, 0); }
    }
  });
})();
