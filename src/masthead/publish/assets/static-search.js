/* Search for the static Masthead site: Pagefind's UI over the index in ../pagefind/.
   Result links are made relative to the site's root (wherever the folder is served from, or opened
   from disk), and a query in the address (?q=..., from the search box in the header) is run at once. */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("search");
    if (!box || typeof PagefindUI === "undefined") return;
    var root = new URL(box.getAttribute("data-site-root") || "./", window.location.href).href;
    function local(url) {
      if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.indexOf("//") === 0) return url;
      return root + url.replace(/^\/+/, "");
    }
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: root + "pagefind/",
      baseUrl: "/",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      processResult: function (result) {
        result.url = local(result.url);
        (result.sub_results || []).forEach(function (sub) { sub.url = local(sub.url); });
        return result;
      }
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) ui.triggerSearch(q);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
