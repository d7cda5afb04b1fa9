// The tickets screens: the department picker (search as you type, then a click or Enter puts
// the department's code in the form's hidden field).
(function () {
  "use strict";

  function pick(button) {
    var picker = button.closest("[data-picker]");
    if (!picker) { return; }
    var code = button.getAttribute("data-pick");
    var name = button.getAttribute("data-pick-name");
    picker.querySelector("[data-picked-code]").value = code;
    var shown = picker.querySelector("[data-picked]");
    shown.textContent = "";
    var b = document.createElement("b");
    b.textContent = "已选择：" + name + "（" + code + "）";
    shown.appendChild(b);
    var results = picker.querySelector(".pick-results");
    if (results) { results.innerHTML = ""; }
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-picker] [data-pick]");
    if (button) { e.preventDefault(); pick(button); }
  });

  // Enter in the picker's search box picks the first department instead of sending the form;
  // the arrow keys move between the results.
  document.addEventListener("keydown", function (e) {
    var picker = e.target.closest && e.target.closest("[data-picker]");
    if (!picker) { return; }
    var buttons = Array.prototype.slice.call(picker.querySelectorAll("[data-pick]"));
    if (e.key === "Enter" && e.target.type === "search") {
      e.preventDefault();
      if (buttons.length) { pick(buttons[0]); }
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && buttons.length) {
      var i = buttons.indexOf(document.activeElement);
      i = e.key === "ArrowDown" ? Math.min(i + 1, buttons.length - 1) : Math.max(i - 1, 0);
      buttons[i].focus();
      e.preventDefault();
    }
  });
})();
