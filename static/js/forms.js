/* After a refused form (the page says "Nothing was saved" at the top, see
   paritrana.middleware.RefusedFormMiddleware), take the keyboard and the view to the first
   field marked invalid, so that a person lands where the correction is asked. Without
   JavaScript the notice at the top and the messages by the fields remain. */
(function () {
  "use strict";

  function start() {
    if (!document.getElementById("form-refused")) return;
    var field = document.querySelector('[aria-invalid="true"]');
    if (field && typeof field.focus === "function") {
      field.focus();
      return;
    }
    var error = document.querySelector(".errorlist, [data-refusal], .has-errors");
    if (error) error.scrollIntoView({ block: "center" });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
