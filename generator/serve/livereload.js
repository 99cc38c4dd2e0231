// goalpath serve: live reload and build-problem overlay (not in built files)
(function () {
  "use strict";
  var me = document.currentScript;
  var epoch = Number(me.dataset.epoch), server = me.dataset.server;
  var OVERLAY = "__goalpath-overlay";
  var MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace";
  var SANS = "system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif";

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function item(p, warning) {
    // one problem, "file:line:column: field: message (hint)" as the terminal prints it
    var li = el("li", "margin:0 0 10px;padding:8px 12px;border-radius:4px;" +
      "background:" + (warning ? "rgba(0,0,0,.18)" : "rgba(0,0,0,.28)") + ";" +
      "border-left:4px solid " + (warning ? "#fbbf24" : "#fca5a5"));
    if (typeof p === "string") { li.textContent = p; return li; }
    var where = el("span", "font-weight:700;color:#fde68a", p.where);
    where.className = "__goalpath-where";
    li.appendChild(where);
    li.appendChild(document.createTextNode(": " + p.message));
    if (p.hint) li.appendChild(el("span", "color:#fecaca", " (" + p.hint + ")"));
    return li;
  }

  function show(problems) {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
    if (!problems || !problems.length) return;
    var errors = [], warnings = [];
    problems.forEach(function (p) {
      (p && p.severity === "warning" ? warnings : errors).push(p);
    });
    var box = el("div", "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
      "max-height:80vh;overflow:auto;margin:0;padding:16px 56px 8px 20px;box-sizing:border-box;" +
      "background:#7f1d1d;color:#fff;border-bottom:4px solid #450a0a;" +
      "box-shadow:0 6px 24px rgba(0,0,0,.35);text-align:left;" +
      "font:15px/1.5 " + SANS);
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var n = errors.length;
    var title = el("h2", "margin:0 0 2px;padding:0;font:700 19px/1.3 " + SANS + ";color:#fff",
      n ? "Build failed: " + n + " error" + (n === 1 ? "" : "s") : "Build failed");
    var sub = el("p", "margin:0 0 12px;color:#fecaca",
      "You are seeing the last good build. Fix the file and save: this page reloads by itself.");
    var close = el("button", "position:absolute;top:10px;right:14px;width:32px;height:32px;" +
      "background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.4);border-radius:4px;" +
      "color:#fff;font:20px/1 " + SANS + ";cursor:pointer", "\u00d7");
    close.type = "button";
    close.title = "Hide (the problems stay in the terminal)";
    close.setAttribute("aria-label", "Hide build problems");
    close.onclick = function () { box.remove(); };
    var listCss = "margin:0;padding:0;list-style:none;white-space:pre-wrap;" +
      "overflow-wrap:anywhere;font:14px/1.55 " + MONO;
    var list = el("ul", listCss);
    errors.forEach(function (p) { list.appendChild(item(p, false)); });
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(sub);
    box.appendChild(list);
    if (warnings.length) {
      var more = el("details", "margin:4px 0 8px");
      var w = warnings.length;
      more.appendChild(el("summary", "cursor:pointer;color:#fde68a",
        w + " warning" + (w === 1 ? "" : "s") + " (the site builds with these)"));
      var wl = el("ul", listCss + ";margin-top:8px;opacity:.9");
      warnings.forEach(function (p) { wl.appendChild(item(p, true)); });
      more.appendChild(wl);
      box.appendChild(more);
    }
    (document.body || document.documentElement).appendChild(box);
  }

  var data = document.getElementById("__goalpath-problems");
  if (data) { try { show(JSON.parse(data.textContent)); } catch (e) { /* keep the page */ } }

  var source = new EventSource("/__goalpath/events");
  source.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);  // a restarted server or a build we missed: reload
    if (d.server !== server || d.epoch !== epoch) location.reload();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
})();
