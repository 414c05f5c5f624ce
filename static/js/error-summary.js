// The error summary (templates/_error_summary.html): focus moves to it when the page loads, so
// a screen reader reads the problems first; each link then moves focus to its field and shows
// the field's label or legend too. Without this file the links still jump to their fields.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();

  function labelFor(input) {
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if ((input.type === "radio" || input.type === "checkbox") && legend) { return legend; }
    return document.querySelector("label[for='" + CSS.escape(input.id) + "']") || legend || input;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) { return; }
    event.preventDefault();
    labelFor(input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
