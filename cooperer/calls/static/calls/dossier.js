// The application dossier: counts the characters of limited fields, refuses a paste beyond the limit instead of
// letting the browser cut it silently, and warns before leaving while a change has not been saved.
(function () {
  "use strict";
  var unsaved = new Map(); // field -> value not yet saved
  var sent = new Map(); // field -> value its autosave request carries

  function inDossier(field) {
    return field.form && field.closest && field.closest("[data-dossier]") && field.name && field.type !== "hidden";
  }

  function count(field) {
    var counter = document.getElementById(field.id + "-compteur");
    if (counter) {
      counter.textContent = field.value.length + " / " + counter.dataset.limit;
    }
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!inDossier(field)) return;
    unsaved.set(field, field.value);
    count(field);
  });
  document.addEventListener("change", function (event) {
    if (inDossier(event.target)) unsaved.set(event.target, event.target.value);
  });

  document.addEventListener("paste", function (event) {
    var field = event.target;
    var counter = field.id && document.getElementById(field.id + "-compteur");
    if (!counter) return;
    var limit = Number(counter.dataset.limit);
    var pasted = (event.clipboardData || window.clipboardData).getData("text");
    var kept = field.value.length - (field.selectionEnd - field.selectionStart);
    if (kept + pasted.length > limit) {
      event.preventDefault();
      counter.textContent = field.value.length + " / " + limit + " — le texte collé fait " + pasted.length +
        " caractères : il dépasserait " + limit + " caractères, il n'a pas été collé. Raccourcissez-le d'abord.";
      counter.setAttribute("role", "alert");
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    sent.set(event.detail.elt, event.detail.elt.value);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var field = event.detail.elt;
    var saved = event.detail.xhr.getResponseHeader("X-Enregistre") === "oui";
    if (saved && unsaved.get(field) === sent.get(field)) {
      unsaved.delete(field);
    }
  });

  document.addEventListener("submit", function (event) {
    Array.from(event.target.elements).forEach(function (field) {
      unsaved.delete(field);
    });
  });

  // What was typed before the page's scripts were ready is counted, and saved like the rest (htmx, loaded
  // before this script, has set up the fields by then).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dossier] [data-autosave]").forEach(function (field) {
      count(field);
      if (field.value !== field.defaultValue) {
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
