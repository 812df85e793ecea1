// The web app's script (the CSP allows no inline script: behaviour is attached here, by data- attributes).
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
