/* After a refused form (the page says "Nothing was saved" at the top, see
   paritrana.middleware.RefusedFormMiddleware), take the keyboard and the view to the first
   field marked invalid, so that a person lands where the correction is asked. Without
   JavaScript the notice at the top and the messages by the fields remain.

   An htmx form or button the server refuses says so where it happened: a refused form (400)
   comes back with its messages at its fields and is swapped in (the htmx-config of base.html);
   any other error (403, 404, 413, 500, 503: the message of a JSON answer when it has one) or a
   server that cannot be reached shows a message, as an alert, right after the element. */
(function () {
  "use strict";

  function focusRefusal() {
    if (!document.getElementById("form-refused")) return;
    var field = document.querySelector('[aria-invalid="true"]');
    if (field && typeof field.focus === "function") {
      field.focus();
      return;
    }
    var error = document.querySelector(".errorlist, [data-refusal], .has-errors");
    if (error) error.scrollIntoView({ block: "center" });
  }

  function say(elt, text) {
    var anchor = (elt.closest && elt.closest("form")) || elt;
    var next = anchor.nextElementSibling;
    var box = next && next.hasAttribute("data-htmx-refusal") ? next : null;
    if (!box) {
      box = document.createElement("p");
      box.className = "notice error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-htmx-refusal", "");
      anchor.parentNode.insertBefore(box, anchor.nextSibling);
    }
    box.textContent = text;
  }

  function clear(elt) {
    var anchor = (elt.closest && elt.closest("form")) || elt;
    var next = anchor && anchor.nextElementSibling;
    if (next && next.hasAttribute("data-htmx-refusal")) next.remove();
  }

  function detailOf(xhr) {
    try {
      if ((xhr.getResponseHeader("Content-Type") || "").indexOf("json") !== -1) {
        var detail = JSON.parse(xhr.responseText).detail;
        if (typeof detail === "string" && detail) return detail;
      }
    } catch (error) {
      /* not JSON: the generic sentence */
    }
    return "";
  }

  function listen() {
    var body = document.body;
    body.addEventListener("htmx:responseError", function (event) {
      var xhr = event.detail.xhr;
      var text =
        detailOf(xhr) ||
        (body.getAttribute("data-htmx-refused") || "").replace("{status}", String(xhr.status));
      say(event.detail.elt, text);
    });
    body.addEventListener("htmx:sendError", function (event) {
      say(event.detail.elt, body.getAttribute("data-htmx-unreachable") || "");
    });
    body.addEventListener("htmx:beforeRequest", function (event) {
      clear(event.detail.elt);
    });
  }

  function start() {
    focusRefusal();
    listen();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
