// The image picker the issue editor's image dialog opens (its Browse… button, in a window of
// its own): choosing an image gives its address and description back to the dialog, by the
// callback the editor's figure dialog listens on (CKEditor's file browser convention).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-image-url]");
    if (!button) { return; }
    var number = new URLSearchParams(window.location.search).get("CKEditorFuncNum");
    var editor = window.opener && !window.opener.closed && window.opener.CKEDITOR;
    if (!number || !editor) {
      document.querySelector(".tasp-picker-status").textContent =
        "The editor that opened this window has gone: copy the image’s address into its dialog.";
      return;
    }
    editor.tools.callFunction(Number(number), button.dataset.imageUrl, {
      alternative_text: button.dataset.alt,
      id: button.dataset.id
    });
    window.close();
  });
})();
