// Small enhancements of every page; each one works without JavaScript, only less smoothly.
(function () {
  "use strict";

  // The main menu is a <details> left open in the HTML: on a phone it starts folded behind
  // "Menu", and on a wide screen (where the summary is hidden) it is always open.
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fitMenu() {
    var menus = document.querySelectorAll("details.menu");
    for (var i = 0; i < menus.length; i++) menus[i].open = !narrow.matches;
  }

  // After a failed submission, focus goes to the error summary, whose links move focus to
  // the field in error (a link to an id only scrolls; it does not focus the control).
  function focusErrorSummary() {
    var heading = document.querySelector(".error-summary [tabindex='-1']");
    if (heading) heading.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    var label = document.querySelector("label[for='" + field.id + "']") || field;
    label.scrollIntoView({ block: "center" });
  });

  // A box that names one of thousands (core.forms.SuggestInput): as one types, its <datalist>
  // gets the names the box's JSON endpoint suggests. Without this it is a text search.
  var suggestTimer = null;
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-suggest-url]")) return;
    window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(function () {
      var text = box.value.trim();
      var list = document.getElementById(box.getAttribute("list"));
      if (!list || text.length < 2) return;
      var url = new URL(box.dataset.suggestUrl, window.location.href);
      url.searchParams.set("q", text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) {
          list.replaceChildren();
          body.results.forEach(function (row) {
            var option = document.createElement("option");
            option.value = row.name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });

  function start() {
    fitMenu();
    if (narrow.addEventListener) narrow.addEventListener("change", fitMenu);
    focusErrorSummary();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
