// The finding form (/partner/reports/<pk>/findings/...): the sub-standard select offers only
// the sub-standards of the chosen Code category, without a reload. The select names the one it
// follows (`data-filter-by`); each option carries its category (`data-standard`). Without
// JavaScript every sub-standard stays, grouped by category, and the server checks the pair.
(function () {
  "use strict";
  function setUp(select) {
    var category = document.getElementById(select.getAttribute("data-filter-by"));
    if (!category) return;
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    function standardOf(group) {
      var option = group.querySelector("option[data-standard]");
      return option ? option.getAttribute("data-standard") : null;
    }
    function filter() {
      var chosen = category.value;
      var selected = select.value;
      var kept = false;
      groups.forEach(function (group) {
        var show = !chosen || standardOf(group) === chosen;
        if (show && !group.parentNode) select.appendChild(group);
        if (!show && group.parentNode) group.parentNode.removeChild(group);
        if (show && group.querySelector('option[value="' + selected + '"]')) kept = true;
      });
      // Re-append in the Code's order, as removing and adding may have shuffled the groups.
      groups.forEach(function (group) {
        if (group.parentNode) select.appendChild(group);
      });
      select.value = kept ? selected : "";
    }
    category.addEventListener("change", filter);
    filter();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filter-by]"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
