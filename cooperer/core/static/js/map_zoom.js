// Zoom et déplacement sur les cartes et les graphes SVG (ADR 006) : on change seulement le viewBox du <svg data-zoomable>.
// Sans JavaScript, la carte reste entière et chaque quartier reste un lien ; les boutons n'existent qu'avec lui.
(() => {
  const STEP = 1.5; // facteur d'un clic sur « + » ou « − »
  const MAX_ZOOM = 8;
  const DRAG_THRESHOLD = 4; // pixels avant qu'un clic devienne un déplacement

  function readBox(svg) {
    return svg.getAttribute("viewBox").trim().split(/[\s,]+/).map(Number);
  }

  function setUp(svg) {
    if (svg.dataset.zoomReady) return;
    svg.dataset.zoomReady = "true";
    const full = readBox(svg);
    let [x, y, width, height] = full;

    function apply() {
      // Never smaller than the whole map, never beyond it.
      width = Math.min(Math.max(width, full[2] / MAX_ZOOM), full[2]);
      height = (width * full[3]) / full[2];
      x = Math.min(Math.max(x, full[0]), full[0] + full[2] - width);
      y = Math.min(Math.max(y, full[1]), full[1] + full[3] - height);
      svg.setAttribute("viewBox", [x, y, width, height].map((v) => Math.round(v * 10) / 10).join(" "));
      svg.classList.toggle("map--zoomed", width < full[2]);
    }

    function zoom(factor, centreX = x + width / 2, centreY = y + height / 2) {
      const before = width;
      width /= factor;
      width = Math.min(Math.max(width, full[2] / MAX_ZOOM), full[2]);
      const ratio = width / before;
      x = centreX - (centreX - x) * ratio;
      y = centreY - (centreY - y) * ratio;
      apply();
      return width !== before;
    }

    function pan(dx, dy) {
      x += dx;
      y += dy;
      apply();
    }

    function reset() {
      [x, y, width, height] = full;
      apply();
    }

    function button(text, name, action) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "button button--secondary map-zoom__button";
      const symbol = document.createElement("span");
      symbol.textContent = text;
      element.append(symbol);
      if (name) {
        // A sign is read as its name (« Zoomer »), not as « plus ».
        symbol.setAttribute("aria-hidden", "true");
        const label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = name;
        element.append(label);
      }
      element.addEventListener("click", action);
      return element;
    }

    const toolbar = document.createElement("div");
    toolbar.className = "map-zoom";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", svg.dataset.zoomLabel || "Zoom de la carte");
    toolbar.append(
      button("+", "Zoomer", () => zoom(STEP)),
      button("−", "Dézoomer", () => zoom(1 / STEP)),
      button("Recentrer", "", reset),
    );
    svg.before(toolbar);

    // Keyboard, anywhere in the map or its toolbar: + and − zoom, 0 recentres, arrows move.
    const keys = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    function onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "+" || event.key === "=") zoom(STEP);
      else if (event.key === "-" || event.key === "−") zoom(1 / STEP);
      else if (event.key === "0") reset();
      else if (keys[event.key] && width < full[2]) pan(keys[event.key][0] * width * 0.1, keys[event.key][1] * height * 0.1);
      else return;
      event.preventDefault();
    }
    svg.addEventListener("keydown", onKey);
    toolbar.addEventListener("keydown", onKey);

    function toMap(event) {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }

    // The wheel zooms around the pointer; at the limits it scrolls the page as usual.
    svg.addEventListener(
      "wheel",
      (event) => {
        const centre = toMap(event);
        if (zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, centre.x, centre.y)) event.preventDefault();
      },
      { passive: false },
    );

    // Dragging moves a zoomed map; a short press stays a click on the quartier's link.
    let drag = null;
    let dragged = false;
    svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || width >= full[2]) return;
      drag = { id: event.pointerId, clientX: event.clientX, clientY: event.clientY, x, y, scale: svg.getScreenCTM().a };
      dragged = false;
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dx = event.clientX - drag.clientX;
      const dy = event.clientY - drag.clientY;
      if (!dragged && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!dragged) svg.setPointerCapture(event.pointerId);
      dragged = true;
      x = drag.x - dx / drag.scale;
      y = drag.y - dy / drag.scale;
      apply();
    });
    const stop = () => {
      drag = null;
    };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    svg.addEventListener(
      "click",
      (event) => {
        if (dragged) {
          event.preventDefault();
          event.stopPropagation();
          dragged = false;
        }
      },
      true,
    );
  }

  function setUpAll(root) {
    root.querySelectorAll("svg[data-zoomable]").forEach(setUp);
  }

  setUpAll(document);
  document.addEventListener("htmx:load", (event) => setUpAll(event.detail.elt));
})();
