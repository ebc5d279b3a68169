// Ctrl+Entrée (ou Cmd+Entrée) enregistre le bloc de post-its sans quitter le clavier.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "id_lines") {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});
