// Start a chat build for the site: the business profile goes with it; then follow the session.
import { api } from "/static/api.js";

const form = document.getElementById("build-form");
const problem = document.getElementById("build-error");
const LISTS = ["services", "products", "brands", "locations", "problems", "exclude"];

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  problem.hidden = true;
  const values = new FormData(form);
  const business = {};
  const name = String(values.get("name") || "").trim();
  if (name) business.name = name;
  for (const field of LISTS) {
    const items = String(values.get(field) || "").split(",").map((v) => v.trim()).filter(Boolean);
    if (items.length) business[field] = items;
  }
  try {
    const started = await api.post("chat/sessions", {
      industry: form.dataset.industry,
      sectors: form.dataset.sectors.split(","),
      site_type: values.get("site_type"),
      site_id: Number(form.dataset.site),
      business,
    });
    window.location.assign(`/app/chat/${started.id}`);
  } catch (error) {
    const detail = Object.entries(error.errors || {}).map(([field, messages]) => `${field}: ${messages.join(", ")}`);
    problem.textContent = [error.message, ...detail].join(" — ");
    problem.hidden = false;
  }
});
