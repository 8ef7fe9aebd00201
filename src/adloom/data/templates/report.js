(function () {
  // Contact sheet filters: hide tiles that do not match; with one platform chosen, show its picture.
  var selects = document.querySelectorAll(".filters select");
  var tiles = document.querySelectorAll("a.tile");
  var shown = document.getElementById("shown-count");
  function matches(tile, key, value) {
    if (!value) { return true; }
    var have = tile.getAttribute("data-" + key) || "";
    return key === "platform" ? have.split(" ").indexOf(value) >= 0 : have === value;
  }
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var n = 0;
    tiles.forEach(function (t) {
      var ok = Object.keys(want).every(function (k) { return matches(t, k, want[k]); });
      t.hidden = !ok;
      if (ok) { n++; }
      var img = t.querySelector(".thumb img");
      if (img) {
        var src = (want.platform && t.getAttribute("data-thumb-" + want.platform)) || img.getAttribute("data-default");
        if (src && img.getAttribute("src") !== src) { img.setAttribute("src", src); }
      }
    });
    if (shown) { shown.textContent = String(n); }
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });

  // A concept's detail is open while the address names it (#concept-ID); Escape goes back to the sheet.
  // The run & audit panel opens when its link is followed.
  function route() {
    var id = location.hash.slice(1);
    var target = id ? document.getElementById(id) : null;
    var detail = !!(target && target.classList.contains("card"));
    document.documentElement.classList.toggle("detail-open", detail);
    if (target && target.tagName === "DETAILS") { target.open = true; }
    if (target && target.closest && !detail) {
      var outer = target.closest("details");
      if (outer) { outer.open = true; }
    }
  }
  function close(e) {
    // back to the sheet where the reader left it: following href="#sheet" alone would scroll to its top
    if (e) { e.preventDefault(); }
    var y = window.scrollY;
    location.hash = "sheet";
    window.scrollTo(0, y);
  }
  window.addEventListener("hashchange", route);
  document.querySelectorAll("a.close").forEach(function (a) { a.addEventListener("click", close); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.documentElement.classList.contains("detail-open")) { close(e); }
  });
  route();
})();
