// A practice answer is either a chosen option or a typed number: using one clears the other.
(() => {
  const form = document.getElementById("practice-form");
  const typed = document.getElementById("typed");
  if (!form || !typed) return;
  const options = form.querySelectorAll('input[name="option"]');
  typed.addEventListener("input", () => {
    if (typed.value.trim()) options.forEach((option) => { option.checked = false; });
  });
  options.forEach((option) => option.addEventListener("change", () => { typed.value = ""; }));
})();
