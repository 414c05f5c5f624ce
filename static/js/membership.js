// Live fee updates on the membership pages. Every page works without this file: the forms
// submit to the server, which uses the same fee function as the JSON quote endpoint.
(function () {
  "use strict";

  function money(value) {
    return "£" + Number(value).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function describe(quote) {
    var text = "Band up to " + quote.band_up_to + ": " + money(quote.band_fee);
    if (quote.extra_representatives > 0) {
      text += "; " + quote.extra_representatives + " more at " + money(quote.extra_unit_price) + " each: " + money(quote.extra_total);
    }
    return text + ".";
  }

  function render(target, quote) {
    target.textContent = "";
    var card = document.createElement("div");
    card.className = "card";
    var body = document.createElement("div");
    body.className = "card-body";
    var line = document.createElement("p");
    line.className = "mb-1";
    line.append("Fee for ");
    var count = document.createElement("strong");
    count.setAttribute("data-quote-count", "");
    count.textContent = quote.representatives;
    line.append(count, " representative" + (quote.representatives === 1 ? "" : "s") + ": ");
    var total = document.createElement("strong");
    total.setAttribute("data-quote-total", "");
    total.textContent = money(quote.total);
    line.append(total);
    var breakdown = document.createElement("p");
    breakdown.className = "small mb-0";
    breakdown.textContent = describe(quote);
    body.append(line, breakdown);
    card.append(body);
    target.append(card);
  }

  var pending = null;
  function fetchQuote(url, params, target) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url + "?" + new URLSearchParams(params).toString(), { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          target.textContent = data.error;
        } else {
          render(target, data);
        }
      })
      .catch(function () { /* aborted or offline: the form still submits */ });
  }

  // The quote form on /membership/.
  var quoteForm = document.querySelector("[data-quote-form]");
  if (quoteForm) {
    var input = quoteForm.querySelector("input[name=representatives]");
    var result = document.getElementById("quote-result");
    input.addEventListener("input", function () {
      if (input.value === "") { return; }
      fetchQuote(quoteForm.dataset.quoteUrl, { representatives: input.value }, result);
    });
  }

  // Representative rows on the join and renewal forms.
  var repForm = document.querySelector("[data-rep-form]");
  if (!repForm) { return; }
  var rows = repForm.querySelector("[data-rep-rows]");
  var totalForms = repForm.querySelector("input[name$=TOTAL_FORMS]");
  var template = document.getElementById("rep-empty-form");
  var addButton = repForm.querySelector("[data-add-rep]");
  var feeTarget = repForm.querySelector("[data-fee-live]");

  function countRepresentatives() {
    var count = 0;
    rows.querySelectorAll("[data-rep-row]").forEach(function (row) {
      var name = row.querySelector("input[name$=-name]");
      var email = row.querySelector("input[name$=-email]");
      var remove = row.querySelector("input[name$=-DELETE]");
      if ((name.value.trim() || email.value.trim()) && !(remove && remove.checked)) { count += 1; }
    });
    return count;
  }

  function refresh() {
    if (!feeTarget || feeTarget.hasAttribute("data-negotiated")) { return; }
    var count = countRepresentatives();
    if (count === 0) {
      feeTarget.textContent = "Name at least one representative to see the fee.";
      return;
    }
    var params = { representatives: count };
    if (repForm.dataset.year) { params.year = repForm.dataset.year; }
    var kind = repForm.dataset.kind || (repForm.querySelector("select[name=kind]") || {}).value;
    if (kind) { params.kind = kind; }
    fetchQuote(repForm.dataset.quoteUrl, params, feeTarget);
  }

  if (addButton && template && totalForms) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = Number(totalForms.value);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      totalForms.value = String(index + 1);
      var added = rows.lastElementChild;
      var legend = added.querySelector("legend");
      if (legend) { legend.textContent = "Representative " + (index + 1); }
      added.querySelector("input").focus();
    });
  }
  repForm.addEventListener("input", refresh);
  repForm.addEventListener("change", refresh);
})();
