// Keyboard shortcuts of the factory review queue (/staff/factory-matches/): a letter key
// activates the control that declares it (`data-shortcut`, announced by `aria-keyshortcuts`).
// Never while typing in a field or with a modifier key; once a decision is on its way, no
// further shortcut fires. Without JavaScript the same buttons and link work as they are.
(function () {
  "use strict";
  var busy = false;
  document.addEventListener("keydown", function (event) {
    if (busy || event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var key = (event.key || "").toLowerCase();
    if (!/^[a-z]$/.test(key)) return;
    var control = document.querySelector('[data-shortcut="' + key + '"]');
    if (!control) return;
    event.preventDefault();
    busy = true;
    control.click();
  });
})();
