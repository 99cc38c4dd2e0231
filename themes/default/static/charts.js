// Draw every chart on the page from its embedded Vega-Lite spec (no network: vega is local).
(function () {
  "use strict";
  // A side-by-side (hconcat) chart cannot take width "container" in Vega-Lite, so charts.py
  // puts in usermeta.fit how its panels share the container: {share, reserve, stack_below}
  // (charts.IMPACT_FIT). Below stack_below px the panels stack, each the container's width.
  function fitted(spec, width) {
    var fit = spec.usermeta && spec.usermeta.fit;
    if (!fit || !spec.hconcat || !(width > 0)) return spec;
    var panels = spec.hconcat, out = {}, key;
    for (key in spec) if (key !== "hconcat") out[key] = spec[key];
    // Stacked panels share their plots' left edge, so each keeps the widest reserve.
    var stack = width < fit.stack_below;
    var free = width - (spec.spacing || 20) * (panels.length - 1);
    fit.reserve.forEach(function (r) { free -= r; });
    var column = width - Math.max.apply(null, fit.reserve);
    out[stack ? "vconcat" : "hconcat"] = panels.map(function (panel, i) {
      var copy = {}, k;
      for (k in panel) copy[k] = panel[k];
      copy.width = Math.max(120, Math.floor(stack ? column : free * fit.share[i]));
      return copy;
    });
    return out;
  }
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll(".chart-canvas[data-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-spec"));
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      var fit = spec.usermeta && spec.usermeta.fit;
      if (fit) spec = fitted(spec, el.clientWidth);
      vegaEmbed(el, spec, { actions: false, renderer: "svg" })
        .then(function () {
          // vega-embed marks width-"container" charts "fit-x" (style.css: they shrink to fit
          // rather than scroll on a phone); a fitted concat is sized to its container too.
          if (fit) el.classList.add("fit-x");
          el.setAttribute("data-drawn", "true");
        })
        .catch(function (err) {
          el.setAttribute("data-error", String(err));
          el.textContent = "This chart could not be drawn; see the data table below.";
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
