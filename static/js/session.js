/* A logged-in session ends after SESSION_IDLE_MINUTES without a request (accounts.sessions).
   Two minutes before, a warning says so with a "Stay logged in" button, which asks the server
   to start the idle clock again (POST /accounts/session/extend/); when the time is up, it says
   the session ended.

   What a person types in a form marked data-keep-draft is kept in this browser
   (localStorage) until the page shows it saved: if the session ended, or the page was left,
   before saving, the next visit of the page fills the form in again and says so, with a way to
   discard it. A draft equal to what the page shows (it was saved) is forgotten. Passwords,
   files and the CSRF token are never kept. Without JavaScript nothing of this happens. */
(function () {
  "use strict";

  var WARN_BEFORE = 120; // seconds

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function startSessionClock() {
    var body = document.body;
    var left = body.getAttribute("data-session-seconds-left");
    var box = document.getElementById("session-warning");
    if (left === null || !box) return;
    var endsAt = Date.now() + parseInt(left, 10) * 1000;
    var countdown = box.querySelector("[data-session-countdown]");
    var ending = box.querySelector("[data-session-ending]");
    var ended = box.querySelector("[data-session-ended]");
    var button = box.querySelector("[data-session-extend]");

    function tick() {
      var remaining = (endsAt - Date.now()) / 1000;
      if (remaining <= 0) {
        box.hidden = false;
        ending.hidden = true;
        ended.hidden = false;
        button.hidden = true;
        body.setAttribute("data-session-state", "ended");
        return;
      }
      if (remaining <= WARN_BEFORE) {
        countdown.textContent = clock(remaining);
        if (box.hidden) {
          box.hidden = false;
          body.setAttribute("data-session-state", "ending");
        }
      } else if (!box.hidden) {
        box.hidden = true;
        body.setAttribute("data-session-state", "active");
      }
      window.setTimeout(tick, 1000);
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(body.getAttribute("data-session-extend-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
          if (!response.ok || !json) throw new Error("ended");
          return response.json();
        })
        .then(function (data) {
          endsAt = Date.now() + data.seconds_left * 1000;
          box.hidden = true;
          body.setAttribute("data-session-state", "extended");
        })
        .catch(function () {
          endsAt = Date.now();
        })
        .then(function () {
          button.disabled = false;
        });
    });
    tick();
  }

  // --- drafts of forms marked data-keep-draft ---------------------------------------------

  function draftKey(form, index) {
    return "paritrana.draft:" + window.location.pathname + ":" + (form.id || index);
  }

  function kept(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    var type = (field.type || "").toLowerCase();
    return ["password", "file", "submit", "button", "hidden", "reset"].indexOf(type) === -1;
  }

  function valuesOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) values[field.name + "=" + field.value] = "1";
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function fill(form, values) {
    var last = null;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) return;
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values[field.name + "=" + field.value] === "1";
      } else if (Object.prototype.hasOwnProperty.call(values, field.name)) {
        if (field.value !== values[field.name]) last = field;
        field.value = values[field.name];
      }
    });
    // Whatever listens to typing (the indicators' preview) sees the restored values.
    // After the page's own scripts (htmx) have set up their listeners.
    if (last) {
      window.setTimeout(function () {
        last.dispatchEvent(new Event("input", { bubbles: true }));
      }, 0);
    }
  }

  function keepDrafts() {
    var storage;
    try {
      storage = window.localStorage;
    } catch (error) {
      return;
    }
    var notice = document.getElementById("draft-restored");
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keep-draft]"), function (form, index) {
      var key = draftKey(form, index);
      var shown = valuesOf(form);
      var draft = null;
      try {
        draft = JSON.parse(storage.getItem(key) || "null");
      } catch (error) {
        draft = null;
      }
      // A refused form shows what was sent: that is the newest state, not the draft.
      var refused = !!document.getElementById("form-refused");
      if (draft && !refused && !same(draft, shown)) {
        fill(form, draft);
        if (notice) {
          notice.hidden = false;
          var discard = notice.querySelector("[data-draft-discard]");
          if (discard) {
            discard.addEventListener("click", function () {
              storage.removeItem(key);
              fill(form, shown);
              notice.hidden = true;
            });
          }
        }
      } else {
        storage.removeItem(key);
      }
      form.addEventListener("input", function () {
        var values = valuesOf(form);
        if (same(values, shown)) storage.removeItem(key);
        else storage.setItem(key, JSON.stringify(values));
      });
    });
  }

  function start() {
    startSessionClock();
    keepDrafts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
