// Draw every chart on the page from its embedded Vega-Lite spec (no network: vega is local).
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll(".chart-canvas[data-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-spec"));
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      vegaEmbed(el, spec, { actions: false, renderer: "svg" })
        .then(function () { el.setAttribute("data-drawn", "true"); })
        .catch(function (err) {
          el.setAttribute("data-error", String(err));
          el.textContent = "This chart could not be drawn; see the data table below.";
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
