/* Served over HTTP(S), the site's own links read as their published addresses, folders ending in "/"
   ("cum/bac-trung-bo/", not "cum/bac-trung-bo/index.html"), and so does the address bar. Opened from
   disk (file://) nothing changes: there a folder has no page, only its index.html. */
(function () {
  "use strict";
  if (location.protocol !== "http:" && location.protocol !== "https:") return;
  var INDEX = /\/index\.html$/;

  function clean(element) {
    var attribute = element && (element.tagName === "A" ? "href" : element.tagName === "FORM" ? "action" : "");
    if (!attribute || !element.getAttribute(attribute)) return;
    var url = new URL(element.getAttribute(attribute), location.href);
    if (url.origin === location.origin && INDEX.test(url.pathname)) {
      url.pathname = url.pathname.replace(INDEX, "/");
      element.setAttribute(attribute, url.pathname + url.search + url.hash);
    }
  }

  function cleanAll() {
    var elements = document.querySelectorAll("a[href], form[action]");
    for (var i = 0; i < elements.length; i++) clean(elements[i]);
  }

  if (INDEX.test(location.pathname)) {
    history.replaceState(history.state, "", location.pathname.replace(INDEX, "/") + location.search + location.hash);
  }
  // Links the page draws later (search results) are cleaned as they are pointed at, focused or followed.
  ["mousedown", "touchstart", "focusin", "click"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var target = event.target;
      clean(target && target.closest ? target.closest("a[href]") : null);
    }, true);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", cleanAll);
  else cleanAll();
})();
