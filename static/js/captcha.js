// "看不清？换一张": fetch a new captcha and swap the image and its hidden key in place.
document.addEventListener("click", async (event) => {
  const button = event.target.closest(".captcha-refresh");
  if (!button) return;
  event.preventDefault();
  const field = button.closest(".captcha-field");
  const response = await fetch(button.dataset.refreshUrl, {
    headers: { "X-Requested-With": "XMLHttpRequest" },
  });
  if (!response.ok) return;
  const data = await response.json();
  field.querySelector("img.captcha").src = data.image_url;
  field.querySelector("input[type=hidden]").value = data.key;
  const text = field.querySelector("input[type=text]");
  text.value = "";
  text.focus();
});

// Clicking the image itself also refreshes it, as on the real site.
document.addEventListener("click", (event) => {
  const image = event.target.closest(".captcha-field img.captcha");
  if (!image) return;
  image.closest(".captcha-field").querySelector(".captcha-refresh")?.click();
});
