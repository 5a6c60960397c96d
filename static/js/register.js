// Registration page: the 60-second "免费获取" countdown and the password strength hint.
(() => {
  const button = document.querySelector(".send-code");
  if (button) {
    let left = parseInt(button.dataset.resendAfter || "0", 10);
    const tick = () => {
      if (left > 0) {
        button.disabled = true;
        button.textContent = button.dataset.waitLabel.replace("%(s)s", String(left));
        left -= 1;
        window.setTimeout(tick, 1000);
      } else {
        button.disabled = false;
        button.textContent = button.dataset.label;
      }
    };
    tick();
  }

  const password = document.querySelector("input[name=password1]");
  const meter = document.querySelector(".password-strength");
  if (password && meter) {
    const labels = meter.dataset.labels.split("|");
    password.addEventListener("input", () => {
      const value = password.value;
      if (!value) {
        meter.textContent = "";
        meter.dataset.level = "";
        return;
      }
      // A hint only: length counts most; nothing here is a rule.
      let score = value.length >= 12 ? 2 : value.length >= 8 ? 1 : 0;
      const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(value)).length;
      if (kinds >= 3 && value.length >= 8) score = Math.min(2, score + 1);
      meter.dataset.level = String(score);
      meter.textContent = meter.dataset.prefix + labels[score];
    });
  }
})();
