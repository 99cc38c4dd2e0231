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

// Client-side search over goals, paths and pages. The index is a script (not JSON)
// so that it also loads from file://, where fetch() is not allowed.
(function () {
  "use strict";
  function norm(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function setup() {
    var form = document.querySelector("form.search");
    if (!form) return;
    var input = form.querySelector("input");
    var list = form.querySelector(".search-results");
    var root = form.getAttribute("data-root") || "";
    var loading = false;
    function load(then) {
      if (window.GOALPATH_SEARCH) return then();
      if (loading) return;
      loading = true;
      var s = document.createElement("script");
      s.src = form.getAttribute("data-index");
      s.onload = then;
      document.head.appendChild(s);
    }
    function href(h) { return /^(\/|https?:)/.test(h) ? h : root + h; }
    function render() {
      var q = norm(input.value.trim());
      list.textContent = "";
      if (q.length < 2 || !window.GOALPATH_SEARCH) { list.hidden = true; return; }
      var words = q.split(/\s+/);
      var hits = [];
      window.GOALPATH_SEARCH.forEach(function (r) {
        var title = norm(r.title), text = norm(r.text + " " + r.meta);
        var score = 0;
        for (var i = 0; i < words.length; i++) {
          var w = words[i];
          if (title.indexOf(w) >= 0) score += 3;
          else if (text.indexOf(w) >= 0) score += 1;
          else return;
        }
        hits.push([score, r]);
      });
      hits.sort(function (a, b) { return b[0] - a[0]; });
      if (!hits.length) {
        var li = document.createElement("li");
        li.className = "empty";
        li.textContent = "No goal, path or page matches.";
        list.appendChild(li);
      }
      hits.slice(0, 8).forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = href(h[1].href);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = h[1].kind;
        a.appendChild(kind);
        a.appendChild(document.createElement("br"));
        a.appendChild(document.createTextNode(h[1].title));
        if (h[1].meta) {
          var meta = document.createElement("small");
          meta.textContent = h[1].meta;
          a.appendChild(meta);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = false;
    }
    input.addEventListener("focus", function () { load(render); });
    input.addEventListener("input", function () { load(render); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) list.hidden = true;
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") list.hidden = true;
      if (e.key === "/" && document.activeElement !== input && !/input|textarea|select/i.test(document.activeElement.tagName)) {
        e.preventDefault(); input.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", setup);
})();

// Wide tables and charts scroll sideways on a phone: mark the ones that do, so the page
// can say so (style.css); the edge shadows show where more is hidden.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-scroll, .chart-frame").forEach(function (el) {
      var wide = el.scrollWidth > el.clientWidth + 1;
      if (wide) el.setAttribute("data-scrolls", "true");
      else el.removeAttribute("data-scrolls");
      var next = el.nextElementSibling;
      if (wide && !(next && next.classList.contains("scroll-hint"))) {
        var hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true"); // the frame itself is focusable and scrolls
        hint.textContent = el.classList.contains("chart-frame")
          ? "Scroll sideways to see the whole chart \u2192"
          : "Scroll sideways to see every column \u2192";
        el.parentNode.insertBefore(hint, next);
      }
    });
  }
  var timer;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 150); }
  document.addEventListener("DOMContentLoaded", function () {
    mark();
    // charts draw after this script: look again when each one is in
    if (window.MutationObserver) {
      new MutationObserver(later).observe(document.body, {
        subtree: true, attributes: true, attributeFilter: ["data-drawn"]
      });
    }
  });
  window.addEventListener("resize", later);
})();
