/* Small enhancements on top of the DSFR; every page works without them. */
(function () {
  "use strict";
  // After a failed form, start from the error summary: screen readers read it, and the
  // next Tab reaches its first link, which leads to the field to correct.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }

  // A page opened at a part of itself that takes focus (a scenario's consequence, after a
  // decision): focus it, so that a screen reader reads it first and Tab goes on from there.
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && target.getAttribute("tabindex") === "-1") {
    target.focus();
  }

  // Print buttons are hidden without this script (the browser's own menu prints as well).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // The file editor's callout toolbar: a button puts the callout's Markdown at the cursor, or
  // around the selected text. Without this script the toolbar stays hidden and the
  // « Aide-mémoire » under the text area gives the same syntax.
  var tools = document.querySelectorAll("[data-editor-tools]");
  Array.prototype.forEach.call(tools, function (box) {
    var toolbar = box.querySelector("[role=toolbar]");
    var textarea = toolbar && document.getElementById(toolbar.getAttribute("aria-controls"));
    if (!textarea) {
      return;
    }
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    buttons.forEach(function (button, index) {
      // One stop on Tab for the whole toolbar; the arrow keys move between its buttons.
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("click", function () {
        insertCallout(
          textarea,
          button.getAttribute("data-callout-open"),
          button.getAttribute("data-callout-text")
        );
      });
    });
    toolbar.addEventListener("keydown", function (event) {
      var current = buttons.indexOf(document.activeElement);
      var next = {
        ArrowRight: current + 1,
        ArrowDown: current + 1,
        ArrowLeft: current - 1,
        ArrowUp: current - 1,
        Home: 0,
        End: buttons.length - 1
      }[event.key];
      if (current < 0 || next === undefined) {
        return;
      }
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[current].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
    box.hidden = false;
  });

  function insertCallout(textarea, opening, placeholder) {
    var value = textarea.value;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var selected = value.slice(start, end);
    // Line breaks at the edges of the selection stay outside the callout.
    var leading = /^\n*/.exec(selected)[0];
    var body = selected.slice(leading.length).replace(/\n+$/, "");
    var trailing = selected.slice(leading.length + body.length);
    var before = value.slice(0, start) + leading;
    var after = trailing + value.slice(end);
    // The callout stands on lines of its own, with an empty line before and after.
    var prefix = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var suffix = after === "" ? "\n" : /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    var text = leading + prefix + opening + "\n" + (body || placeholder) + "\n:::" + suffix + trailing;

    textarea.focus();
    textarea.setSelectionRange(start, end);
    // execCommand keeps the text area's own undo (Ctrl+Z); setRangeText where it is missing.
    var inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch (error) {
      inserted = false;
    }
    if (!inserted || textarea.value.slice(start, start + text.length) !== text) {
      textarea.value = value;
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var bodyStart = start + leading.length + prefix.length + opening.length + 1;
    if (body) {
      textarea.setSelectionRange(start + text.length, start + text.length);
    } else {
      // The placeholder is selected: what the author types next replaces it.
      textarea.setSelectionRange(bodyStart, bodyStart + placeholder.length);
    }
  }
})();
