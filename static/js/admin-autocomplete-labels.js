// The admin's autocomplete pickers (Select2 4.0) name their combobox only by the value chosen,
// so an empty picker has no accessible name. Name each one by its field's <label>, then its value.
(function () {
  "use strict";
  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      if (!label || !container || !container.classList.contains("select2")) { return; }
      var combobox = container.querySelector('.select2-selection[role="combobox"]');
      var rendered = container.querySelector(".select2-selection__rendered");
      if (!combobox || !rendered || !rendered.id) { return; }
      if (!label.id) { label.id = select.id + "-label"; }
      combobox.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      rendered.setAttribute("aria-labelledby", label.id);
    });
  }
  // Select2 starts after the page loads, and again for each inline form added: follow the DOM.
  // (Observing children only: setting attributes here does not call it again.)
  new MutationObserver(nameAutocompletes).observe(document.body, { childList: true, subtree: true });
  nameAutocompletes();
})();
