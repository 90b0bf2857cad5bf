// Copy buttons: <button data-copy-target="#id" data-copied-label="Copied"> copies the
// value (or the text) of the target element to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const target = document.querySelector(button.dataset.copyTarget);
  if (!target) return;
  const text = "value" in target ? target.value : target.textContent;
  const done = () => {
    button.textContent = button.dataset.copiedLabel || button.textContent;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    // Plain http on another host: the Clipboard API is not available there.
    target.select();
    if (document.execCommand("copy")) done();
  }
});
