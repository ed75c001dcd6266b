// provledger web view: the claims index filter in the browser (optional;
// every page works without it). Reads the same query as the server
// (?q=&status=&article=&source=), so a static copy filters like the server
// does, and filters again as the reader types.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var table = document.getElementById("claims");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.claim-row"));
  var count = document.getElementById("filter-count");
  var field = function (name) { return form.elements[name]; };
  var params = new URLSearchParams(window.location.search);
  ["q", "status", "article", "source"].forEach(function (k) {
    if (params.has(k) && field(k)) { field(k).value = params.get(k); }
  });
  var norm = function (s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  };
  function apply() {
    var words = norm(field("q").value).split(/\s+/).filter(Boolean);
    var status = field("status").value, article = field("article").value, source = field("source").value;
    var shown = 0;
    rows.forEach(function (r) {
      var text = norm(r.getAttribute("data-text"));
      var ok = (!status || r.getAttribute("data-status") === status) &&
        (!article || r.getAttribute("data-article-chain") === article || r.getAttribute("data-article") === article) &&
        (!source || (" " + r.getAttribute("data-sources") + " ").indexOf(" " + source + " ") >= 0) &&
        words.every(function (w) { return text.indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " claims shown."; }
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    apply();
    var q = new URLSearchParams(new FormData(form));
    Array.from(q.keys()).forEach(function (k) { if (!q.get(k)) { q.delete(k); } });
    window.history.replaceState(null, "", "?" + q.toString());
  });
  document.documentElement.setAttribute("data-filter", "on");
  apply();
})();
