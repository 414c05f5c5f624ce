// Live progress of an issue's sends on its admin page: polls the JSON endpoint while sending.
(function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/csrftoken=([^;]+)/);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : match ? match[1] : "";
  }
  function render(box, data) {
    var status = box.querySelector(".tasp-send-status");
    // A send with no deliveries recorded (one not started, or made before they were kept) has
    // nothing to count: its status alone, not "0 sent of 0 (100%)".
    var text = data.status_display;
    if (data.total) {
      text += " — " + data.sent + " sent, " + data.failed + " failed, " +
        (data.skipped ? data.skipped + " skipped (left before sending), " : "") +
        data.remaining + " remaining of " + data.total + " (" + data.percent + "%)";
    }
    if (data.rate) { text += ", " + data.rate + " per second"; }
    if (data.eta_seconds) { text += ", about " + Math.ceil(data.eta_seconds / 60) + " min left"; }
    if (data.paused_reason) { text += ". " + data.paused_reason; }
    status.textContent = text;
    var issueStatus = document.querySelector(".field-status .readonly");
    if (issueStatus && data.issue_status_display) { issueStatus.textContent = data.issue_status_display; }
    var bar = box.querySelector("progress");
    if (!bar) {
      bar = document.createElement("progress");
      bar.max = 100;
      bar.setAttribute("aria-label", "Send progress");
      box.appendChild(bar);
    }
    bar.value = data.percent;
    bar.hidden = !data.total;
    var button = box.querySelector("button");
    if (data.status === "sending" || data.status === "paused" || data.status === "scheduled") {
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.style.marginLeft = "1em";
        button.addEventListener("click", function () {
          var form = document.createElement("form");
          form.method = "post";
          form.action = button.dataset.url;
          var token = document.createElement("input");
          token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrfToken();
          form.appendChild(token);
          document.body.appendChild(form);
          form.submit();
        });
        box.appendChild(button);
      }
      button.dataset.url = data.control_url;
      button.textContent = {paused: "Resume", scheduled: "Cancel send"}[data.status] || "Pause";
    } else if (button) {
      button.remove();
    }
  }
  function poll(box) {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        render(box, data);
        if (data.status === "sending" || data.status === "scheduled") {
          setTimeout(function () { poll(box); }, 1000);
        }
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tasp-send[data-progress-url]").forEach(poll);
  });
})();
