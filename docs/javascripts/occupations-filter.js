// Filter boxes for occupation tables: show the box (hidden without JavaScript) and hide the rows that do not
// contain every word typed, matched against the code, the title and the TEER.
(function () {
  "use strict";

  function setUp(container) {
    var input = container.querySelector("input.occupations-filter");
    var table = container.querySelector("table");
    if (!input || !table || input.dataset.ready) {
      return;
    }
    input.dataset.ready = "true";
    input.hidden = false;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var status = document.createElement("span");
    status.className = "occupations-filter__status";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", status);

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = shown + " of " + rows.length + " shown";
    }

    input.addEventListener("input", apply);
    apply();
  }

  function setUpAll() {
    document.querySelectorAll("div.occupations").forEach(setUp);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
