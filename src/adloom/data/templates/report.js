(function () {
  // Client-side filters: hide cards that do not match, then hide groups left empty.
  var selects = document.querySelectorAll(".filters select");
  var cards = document.querySelectorAll("article.card");
  var shown = document.getElementById("shown-count");
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var n = 0;
    cards.forEach(function (c) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || c.dataset[k] === want[k]; });
      c.hidden = !ok;
      if (ok) { n++; }
    });
    document.querySelectorAll(".segment, section.angle").forEach(function (g) {
      g.hidden = !g.querySelector("article.card:not([hidden])");
    });
    if (shown) { shown.textContent = String(n); }
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
})();
