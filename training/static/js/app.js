/* Small enhancements on top of the DSFR; every page works without them. */
(function () {
  "use strict";
  // After a failed form, start from the error summary: screen readers read it, and the
  // next Tab reaches its first link, which leads to the field to correct.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }
})();
