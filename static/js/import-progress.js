// Live progress of a subscriber import on its admin page: polls the JSON endpoint while a
// worker runs it, and loads the page again for the report once it has ended.
(function () {
  "use strict";
  function render(box, data) {
    box.querySelector(".tasp-import-status").textContent = data.status_display + " — " +
      data.rows_done + " of " + data.rows_total + " rows done: " + data.added + " added, " +
      data.updated + " updated, " + data.rejected + " rejected.";
    box.querySelector("progress").value = data.percent;
  }
  function poll(box) {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.ended) {
          window.location.reload();
          return;
        }
        render(box, data);
        setTimeout(function () { poll(box); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(box); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tasp-import[data-progress-url]").forEach(poll);
  });
})();
