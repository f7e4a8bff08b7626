// Keyboard review of findings (progressive enhancement: every action is a plain form without this).
//   j / k  next / previous finding      a  accept the first suggestion
//   e      edit: focus the own-text box  r  reject
(function () {
  "use strict";
  var findings = Array.prototype.slice.call(document.querySelectorAll("[data-finding]"));
  if (!findings.length) return;
  var at = 0;
  function select(i, focus) {
    if (i < 0 || i >= findings.length) return;
    findings[at].classList.remove("current");
    at = i;
    findings[at].classList.add("current");
    if (focus) {
      findings[at].focus({ preventScroll: true });
      findings[at].scrollIntoView({ block: "center" });
    }
  }
  // after a decision the page comes back at the next finding (#f-KEY): start there
  var start = 0;
  findings.forEach(function (f, i) { if ("#" + f.id === window.location.hash) start = i; });
  select(start, start > 0);
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") { ev.target.blur(); findings[at].focus({ preventScroll: true }); }
      return;
    }
    var here = findings[at], button;
    switch (ev.key) {
      case "j": select(at + 1, true); break;
      case "k": select(at - 1, true); break;
      case "a":
        button = here.querySelector("[data-accept]");
        if (button) button.click();
        break;
      case "r":
        button = here.querySelector("[data-reject]");
        if (button) button.click();
        break;
      case "e":
        button = here.querySelector("[data-edit]");
        if (button) { button.focus(); button.select(); }
        break;
      default: return;
    }
    ev.preventDefault();
  });
  findings.forEach(function (f, i) {
    f.addEventListener("focusin", function () { select(i, false); });
  });
})();
