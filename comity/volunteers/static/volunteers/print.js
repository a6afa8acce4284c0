// The certificate's print button (no inline handlers: the Content-Security-Policy refuses them).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
