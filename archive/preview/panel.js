// The live preview's problems panel (build.py serve only: the server adds this script to each
// page it serves; the published site never holds it). The server sends the last build's
// problems (/_preview/events): errors show over the last good page until a save fixes them;
// warnings show in a smaller panel that Esc or its button closes until they change.
(function () {
  "use strict";
  var DISMISSED = "preview-dismissed-warnings";
  var errorsLive, warningsLive, shownWarnings = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;  // text only: a title or a message is never read as HTML
    return node;
  }

  function problemList(problems) {
    var list = element("ul", "preview-problems");
    problems.forEach(function (problem) {
      var item = element("li");
      var where = [problem.path, problem.line, problem.field].filter(Boolean).join(" · ");
      if (where) item.appendChild(element("span", "preview-where", where));
      item.appendChild(element("span", "preview-message", problem.message));
      if (problem.suggestion) item.appendChild(element("span", "preview-suggestion", problem.suggestion));
      list.appendChild(item);
    });
    return list;
  }

  function panel(kind, title, id) {
    var section = element("section", "preview-panel preview-" + kind);
    section.setAttribute("aria-labelledby", id);
    section.appendChild(element("h2", "preview-title", title)).id = id;
    return section;
  }

  function showErrors(state) {
    errorsLive.replaceChildren();
    if (!state.errors.length) return;
    var section = panel("errors", state.text.errors, "preview-errors-title");
    section.tabIndex = 0;  // its list may scroll: reachable by keyboard
    section.appendChild(element("p", "preview-note", state.text.errors_note));
    section.appendChild(problemList(state.errors));
    errorsLive.appendChild(section);
  }

  function showWarnings(state) {
    var signature = JSON.stringify(state.warnings);
    if (signature === shownWarnings) return;
    shownWarnings = signature;
    warningsLive.replaceChildren();
    if (!state.warnings.length || sessionStorage.getItem(DISMISSED) === signature) return;
    var section = panel("warnings", state.text.warnings, "preview-warnings-title");
    var close = element("button", "preview-close", state.text.close);
    close.type = "button";
    close.setAttribute("aria-label", state.text.close_label);
    close.addEventListener("click", dismiss);
    section.appendChild(close);
    section.appendChild(problemList(state.warnings));
    warningsLive.appendChild(section);
  }

  function dismiss() {
    if (!warningsLive.firstChild) return;
    var inside = warningsLive.contains(document.activeElement);
    sessionStorage.setItem(DISMISSED, shownWarnings);
    warningsLive.replaceChildren();
    if (inside) (document.getElementById("noi-dung") || document.body).focus();
  }

  function start() {
    var style = element("link");
    style.rel = "stylesheet";
    style.href = "/_preview/panel.css";
    document.head.appendChild(style);
    // The live regions are in the page from the start, so that what is put in them is announced.
    errorsLive = element("div", "preview-live");
    errorsLive.setAttribute("role", "alert");
    warningsLive = element("div", "preview-live");
    warningsLive.setAttribute("role", "status");
    [errorsLive, warningsLive].forEach(function (live) { live.setAttribute("aria-busy", "true"); });
    document.body.append(errorsLive, warningsLive);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") dismiss();
    });
    listen();
  }

  function listen() {
    var events = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/_preview/events");
    events.onmessage = function (event) {
      var state = JSON.parse(event.data);
      showErrors(state);
      showWarnings(state);
      [errorsLive, warningsLive].forEach(function (live) { live.removeAttribute("aria-busy"); });
    };
    events.onclose = function () { setTimeout(listen, 1000); };  // the preview restarted: listen again
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
