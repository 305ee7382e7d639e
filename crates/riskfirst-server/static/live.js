// Live updates: the page learns of new revisions from the server (server-sent events).
// Without script, every page still works; this only saves a reload.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var shown = parseInt(document.body.getAttribute("data-revision") || "0", 10);
  if (!shown) return;
  var saved = parseInt(new URLSearchParams(location.search).get("saved") || "0", 10);
  var banner = document.getElementById("live");
  var source = new EventSource("/events");
  source.addEventListener("revision", function (e) {
    var data = JSON.parse(e.data);
    if (!data.assessed || data.assessed <= shown) return;
    if (saved && data.assessed >= saved) {
      location.reload();
      return;
    }
    if (banner) {
      banner.textContent = "Revision " + data.assessed + " is ready. ";
      var a = document.createElement("a");
      a.href = location.pathname + location.search;
      a.textContent = "Reload to see it";
      banner.appendChild(a);
      banner.hidden = false;
    }
  });
})();
