// « Tout cocher sur cette page » : coche (ou décoche) les cases des contributions liées au formulaire de tri.
// Sans JavaScript, le bouton reste caché et chaque case se coche à la main.
document.querySelectorAll("[data-select-page]").forEach((button) => {
  const boxes = () => document.querySelectorAll(`input[type=checkbox][form="${button.dataset.selectPage}"]`);
  button.hidden = false;
  button.addEventListener("click", () => {
    const check = [...boxes()].some((box) => !box.checked);
    boxes().forEach((box) => {
      box.checked = check;
    });
    button.setAttribute("aria-pressed", String(check));
  });
});
