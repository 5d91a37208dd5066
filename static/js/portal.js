// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to a form's error summary so screen reader users hear what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  // The jurisdiction switcher goes as soon as a jurisdiction is chosen.
  const switcher = document.querySelector(".switcher select");
  if (switcher) switcher.addEventListener("change", () => switcher.form.submit());
});
