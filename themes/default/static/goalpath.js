// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Goal filters (dashboard, goals/): status, department, owner, tag. The choice is kept
  // in the address (?status=at-risk&tag=safety), so a filtered view can be shared; a
  // link with those parameters opens filtered, from a server or from file://.
  function setupFilters() {
    var root = document.querySelector("[data-filter-root]");
    if (!root) return;
    var list = document.getElementById(root.getAttribute("data-filter-root"));
    if (!list) return;
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
    var counter = root.querySelector(".filter-count");
    function apply() {
      var shown = 0, total = 0;
      list.querySelectorAll("[data-filter-item]").forEach(function (item) {
        var ok = true;
        selects.forEach(function (s) {
          var want = s.value, key = s.getAttribute("data-filter");
          if (!want) return;
          var have = item.getAttribute("data-" + key) || "";
          ok = ok && (key === "tags" ? have.split("|").indexOf(want) >= 0 : have === want);
        });
        item.hidden = !ok; total++; if (ok) shown++;
      });
      if (counter) counter.textContent = shown === total ? "" : shown + " of " + total + " goals";
    }
    function remember() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var name = s.getAttribute("data-param");
        if (s.value) params.set(name, s.value); else params.delete(name);
      });
      var query = params.toString();
      try {  // some browsers refuse to change a file:// address; the filter still applies
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      } catch (e) { /* keep the address as it is */ }
    }
    var given = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var want = given.get(s.getAttribute("data-param"));
      if (want !== null && Array.prototype.some.call(s.options, function (o) { return o.value === want; })) {
        s.value = want;
      }
      s.addEventListener("change", function () { apply(); remember(); });
    });
    apply();
  }

  // Sortable tables: a button in each sortable column heading; the column's cells sort by
  // their data-sort value (numbers as numbers), the heading says which way (aria-sort).
  function setupSorting() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
      heads.forEach(function (th, column) {
        var button = th.querySelector("button[data-sort-type]");
        if (!button) return;
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          var numeric = button.getAttribute("data-sort-type") === "number";
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          function key(row) {
            var cell = row.cells[column];
            var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
            return numeric ? parseFloat(v) : v.trim().toLowerCase();
          }
          rows.sort(function (a, b) {
            var x = key(a), y = key(b);
            var order = numeric ? x - y : x.localeCompare(y);
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
          heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        });
      });
    });
  }
  // "On this page": open beside the page on wide screens (folded above it on phones),
  // and the section being read marked in it.
  function setupToc() {
    var fold = document.querySelector("details.toc-fold");
    if (!fold) return;
    var wide = window.matchMedia("(min-width: 1180px)");
    function place() { fold.open = wide.matches; }
    place();
    if (wide.addEventListener) wide.addEventListener("change", place);
    var links = [];
    fold.querySelectorAll("a[href^='#']").forEach(function (a) {
      var h = document.getElementById(a.getAttribute("href").slice(1));
      if (h) links.push([h, a]);
    });
    var pending = false;
    function mark() {  // the last section whose heading has reached the top of the window
      pending = false;
      var current = null, best = -Infinity, line = 40;
      links.forEach(function (pair) {  // side-by-side panels: the first of a row
        var top = pair[0].getBoundingClientRect().top;
        if (top < line && top > best + 1) { current = pair[1]; best = top; }
      });
      links.forEach(function (pair) {
        if (pair[1] === current) pair[1].setAttribute("aria-current", "true");
        else pair[1].removeAttribute("aria-current");
      });
    }
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; window.requestAnimationFrame(mark); }
    }, { passive: true });
    mark();
  }
  document.addEventListener("DOMContentLoaded", function () { setupFilters(); setupSorting(); setupToc(); });
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
