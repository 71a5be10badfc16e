// Building the screens without innerHTML: every text a person or a credential supplies is set as
// text (textContent), never parsed as markup, so a fact value cannot inject script or style.

/** h("button", {type: "button", onclick}, "text", child…): an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Text that is read left to right inside any page (DIDs, codes, numbers): <bdi dir="ltr">. */
export function ltr(text, className) {
  return h("bdi", { dir: "ltr", class: className }, text);
}

/** Replaces what <main> shows with `children`, moves focus to its heading for screen readers. */
export function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  const heading = main.querySelector("h1");
  (heading ?? main).setAttribute("tabindex", "-1");
  (heading ?? main).focus();
}

/** Tells a screen reader (the polite live region) and nobody else. */
export function announce(text) {
  document.getElementById("status").textContent = text;
}

/** Runs `work` with `button` disabled (no double submissions), re-enabling it after. */
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}
