// Progressive enhancement only: every page works without this script.
// 1. New notifications appear without a reload (polls /notifikasi/terbaru; the badge and, on the
//    notifications page, the list update; a polite live region announces the newest one).
// 2. After a rejected form, focus moves to the summary of what to fix.
// 3. "Back" links (data-back) go back in the history; without this script they lead home.
// No inline scripts or handlers anywhere: the Content-Security-Policy allows scripts from /static only.
(function () {
  "use strict";
  var summary = document.querySelector(".errors[tabindex]");
  if (summary) { summary.focus(); }
  Array.prototype.forEach.call(document.querySelectorAll("a[data-back]"), function (a) {
    a.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });

  var badge = document.getElementById("notif-badge");
  if (!badge || !window.fetch) { return; }
  var seconds = parseFloat(badge.getAttribute("data-poll")) || 15;
  var known = null;
  var list = document.getElementById("notif-list");
  if (list) {
    known = {};
    Array.prototype.forEach.call(list.querySelectorAll("[data-id]"), function (li) { known[li.getAttribute("data-id")] = true; });
  }
  var seen = null;

  function show(count) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }

  function toast(item) {
    var box = document.getElementById("toast");
    if (!box) { return; }
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = item.title;
    box.appendChild(strong);
    box.appendChild(document.createTextNode(" — " + item.body));
    box.hidden = false;
    window.setTimeout(function () { box.hidden = true; }, 8000);
  }

  function addToList(item) {
    var li = document.createElement("li");
    li.className = "notification unread";
    li.setAttribute("data-id", item.id);
    var title = document.createElement("p");
    title.className = "n-title";
    if (item.link) {
      var a = document.createElement("a"); a.href = item.link; a.textContent = item.title; title.appendChild(a);
    } else { title.textContent = item.title; }
    var tag = document.createElement("span"); tag.className = "tag"; tag.textContent = list.getAttribute("data-unread-label");
    title.appendChild(document.createTextNode(" ")); title.appendChild(tag);
    var body = document.createElement("p"); body.textContent = item.body;
    var when = document.createElement("p"); when.className = "hint"; when.textContent = item.created_at;
    li.appendChild(title); li.appendChild(body); li.appendChild(when);
    list.insertBefore(li, list.firstChild);
    var empty = document.getElementById("notif-empty");
    if (empty) { empty.hidden = true; }
  }

  function poll() {
    fetch("/notifikasi/terbaru", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || typeof data.unread !== "number") { return; }
        show(data.unread);
        var fresh = data.items.filter(function (n) { return seen !== null && !seen[n.id]; });
        if (list) {
          data.items.slice().reverse().forEach(function (n) { if (!known[n.id]) { known[n.id] = true; addToList(n); } });
        }
        if (fresh.length) { toast(fresh[0]); }
        seen = seen || {};
        data.items.forEach(function (n) { seen[n.id] = true; });
      })
      .catch(function () { /* offline or slow: try again next time */ })
      .then(function () { window.setTimeout(poll, seconds * 1000); });
  }
  poll();
})();
