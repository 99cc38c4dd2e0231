// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Dashboard filters: department and tag, no server needed.
  function setupFilters() {
    var root = document.querySelector("[data-filter-root]");
    if (!root) return;
    var list = document.getElementById(root.getAttribute("data-filter-root"));
    var selects = root.querySelectorAll("select[data-filter]");
    var counter = root.querySelector(".filter-count");
    function apply() {
      var shown = 0, total = 0;
      list.querySelectorAll("li[data-department]").forEach(function (li) {
        var ok = true;
        selects.forEach(function (s) {
          var want = s.value, key = s.getAttribute("data-filter");
          if (!want) return;
          var have = li.getAttribute("data-" + key) || "";
          ok = ok && (key === "tags" ? have.split("|").indexOf(want) >= 0 : have === want);
        });
        li.hidden = !ok; total++; if (ok) shown++;
      });
      if (counter) counter.textContent = shown === total ? "" : shown + " of " + total + " goals";
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
  }
  document.addEventListener("DOMContentLoaded", setupFilters);
})();
