// Live updates of the inquiry list and an inquiry's page (api/staff_web/live.py): the server
// sends each inquiry or quote change as a server-sent event naming the references; the page
// fetches itself again and swaps its content in (the server's HTML, escaped there), and says
// so in a polite live region. While a form on the page is being filled in, it only says so.
(function () {
  "use strict";
  var anchor = document.getElementById("live");
  if (!anchor || typeof EventSource === "undefined") { return; }
  var own = anchor.getAttribute("data-inquiry") || "";

  function say(text) {
    var status = document.getElementById("live-status");
    if (status) { status.textContent = text; }
  }

  function busy() {
    var active = document.activeElement;
    return !!(active && active.form && (active.value || active.tagName === "TEXTAREA"));
  }

  function refresh(change) {
    if (busy()) {
      say("Inquiry " + (change.inquiry || "") + " changed: reload the page to see it.");
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        if (!fresh || !main) { return; }
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        say("Updated: inquiry " + (change.inquiry || "") + " changed (" + change.event + ").");
      });
  }

  var source = new EventSource("/staff/live");
  source.addEventListener("change", function (message) {
    var change = JSON.parse(message.data);
    if (own && change.inquiry !== own) { return; }
    refresh(change);
  });
}());
