// The department picker (views/picker.rs): typing asks the server for departments (htmx); a
// click, or ↑ ↓ and Enter, puts the chosen one's code in the picker's hidden field. Enter in
// the search box never sends the form while results are listed or nothing is chosen.
(function () {
  "use strict";

  function buttons(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll(".pick-results [data-pick]"));
  }

  function mark(list, i) {
    list.forEach(function (b, j) {
      b.classList.toggle("selected", j === i);
      b.setAttribute("aria-selected", j === i ? "true" : "false");
    });
  }

  function selected(list) {
    for (var i = 0; i < list.length; i++) { if (list[i].classList.contains("selected")) { return i; } }
    return -1;
  }

  function pick(picker, button) {
    var code = button.getAttribute("data-pick");
    var name = button.getAttribute("data-pick-name");
    picker.querySelector("[data-picked-code]").value = code;
    picker.classList.add("chosen");
    var shown = picker.querySelector("[data-picked]");
    shown.textContent = "";
    var b = document.createElement("b");
    b.textContent = "已选择：" + name + "（" + code + "）";
    shown.appendChild(b);
    picker.querySelector(".pick-results").innerHTML = "";
  }

  function unpick(picker) {
    picker.querySelector("[data-picked-code]").value = "";
    picker.classList.remove("chosen");
    var shown = picker.querySelector("[data-picked]");
    shown.textContent = "";
    var note = document.createElement("span");
    note.className = "muted";
    note.textContent = "尚未选择部门";
    shown.appendChild(note);
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-picker] [data-pick]");
    if (button) { e.preventDefault(); pick(button.closest("[data-picker]"), button); }
  });

  document.addEventListener("input", function (e) {
    var picker = e.target.closest && e.target.closest("[data-picker]");
    // The typed text no longer names the chosen department.
    if (picker && e.target.type === "search") { unpick(picker); }
  });

  document.addEventListener("keydown", function (e) {
    var picker = e.target.closest && e.target.closest("[data-picker]");
    if (!picker || e.target.type !== "search") { return; }
    var list = buttons(picker);
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && list.length) {
      var i = selected(list);
      i = e.key === "ArrowDown" ? Math.min(i + 1, list.length - 1) : Math.max(i - 1, 0);
      mark(list, i);
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (list.length) {
        e.preventDefault();
        pick(picker, list[Math.max(selected(list), 0)]);
      } else if (!picker.querySelector("[data-picked-code]").value) {
        e.preventDefault();
      }
    }
  });

  // New results: the first is selected, ready for Enter.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (target && target.classList && target.classList.contains("pick-results")) {
      var list = buttons(target.closest("[data-picker]"));
      if (list.length) { mark(list, 0); }
    }
  });
})();
