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
  // "Save SVG" and "Save PNG" beside the chart's "Download CSV": drawn from the chart's own
  // view (no network, works from file://). Buttons outside the chart frame, which is one
  // image to assistive technology (role="img"): vega-embed's own menu would sit inside it.
  function offerImages(el, view) {
    var figure = el.closest("figure");
    el.goalpathView = view; // a redraw (light/dark switch) replaces the view the buttons save
    if (!figure || !view || figure.querySelector(".chart-save")) return;
    var bar = figure.querySelector(".chart-download");
    if (!bar) {
      bar = document.createElement("p");
      bar.className = "chart-download";
      figure.insertBefore(bar, figure.querySelector(".chart-summary"));
    }
    var name = el.getAttribute("data-download") || "chart";
    var label = (figure.querySelector(".chart-frame") || el).getAttribute("aria-label") || "";
    ["svg", "png"].forEach(function (type) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-save link-button";
      button.setAttribute("data-format", type);
      button.textContent = "Save " + type.toUpperCase();
      if (label) button.setAttribute("aria-label", "Save " + type.toUpperCase() + ": " + label);
      button.addEventListener("click", function () {
        el.goalpathView.toImageURL(type, type === "png" ? 2 : 1).then(function (url) {
          var a = document.createElement("a");
          a.href = url;
          a.download = name + "." + type;
          document.body.appendChild(a);
          a.click();
          a.remove();
        });
      });
      bar.appendChild(document.createTextNode(" · "));
      bar.appendChild(button);
    });
  }
  // The dark theme's chart colours (generator/charts/palette.py DARK; tests keep the two
  // equal): each light colour in a spec is swapped for its dark twin before drawing.
  var DARK = {
    "#1d2430": "#e4e8ef",
    "#5b6576": "#a3adbd",
    "#8a94a6": "#8f99ab",
    "#eceff3": "#2f3744",
    "#7f8aa0": "#8792a8",
    "#2356a8": "#7aa5ee",
    "#1e7d46": "#4fb87a",
    "#c98500": "#e0a030",
    "#b3261e": "#ee6f64",
    "#1b5e9e": "#6aa8e6",
    "#8a5cc2": "#b08ae0",
    "#0f8a8a": "#3cbcbc",
    "#4f9d69": "#6fc08a"
  };
  var darkScheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var printMedia = window.matchMedia ? window.matchMedia("print") : null;
  var printing = false;
  function dark() {
    return !!(darkScheme && darkScheme.matches) && !(printMedia && printMedia.matches) && !printing;
  }
  function recoloured(value) {
    if (typeof value === "string") {
      var swap = DARK[value.toLowerCase()];
      return swap || value;
    }
    if (Array.isArray(value)) return value.map(recoloured);
    if (value && typeof value === "object") {
      var out = {}, key;
      for (key in value) out[key] = key === "datasets" ? value[key] : recoloured(value[key]);
      return out;
    }
    return value;
  }
  var views = [];
  var drawnDark = null; // the scheme the charts on the page were drawn for
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    views.forEach(function (v) { v.finalize(); });
    views = [];
    drawnDark = dark();
    var scheme = drawnDark ? "dark" : "light";
    document.querySelectorAll(".chart-canvas[data-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-spec"));
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      var fit = spec.usermeta && spec.usermeta.fit;
      if (fit) spec = fitted(spec, el.clientWidth);
      if (scheme === "dark") spec = recoloured(spec);
      vegaEmbed(el, spec, { actions: false, renderer: "svg" })
        .then(function (result) {
          views.push(result);
          el.setAttribute("data-scheme", scheme);
          offerImages(el, result.view);
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
  // Follow the system's light/dark switch; print (dark text on paper) draws light.
  function redraw() { if (dark() !== drawnDark) draw(); }
  if (darkScheme && darkScheme.addEventListener) darkScheme.addEventListener("change", redraw);
  if (printMedia && printMedia.addEventListener) printMedia.addEventListener("change", redraw);
  window.addEventListener("beforeprint", function () { printing = true; redraw(); });
  window.addEventListener("afterprint", function () { printing = false; redraw(); });
})();
