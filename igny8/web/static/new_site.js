// The create-site form's pickers: industries and their sectors from the catalog (and the account's own niches,
// each with the grid it wrote or had drafted), each with a search box.
import { data, el } from "/static/api.js";

const industry = document.getElementById("industry");
const industrySearch = document.getElementById("industry-search");
const sectorSearch = document.getElementById("sector-search");
const sectorList = document.getElementById("sector-list");
const [catalog, ownNiches] = await Promise.all([data.get("catalog"), data.get("niche/templates")]);
const options = [...industry.options].slice(1);

industrySearch.addEventListener("input", () => {
  const wanted = industrySearch.value.trim().toLowerCase();
  for (const option of options) option.hidden = wanted && !option.textContent.toLowerCase().includes(wanted);
  const visible = options.filter((o) => !o.hidden);
  if (visible.length === 1) { industry.value = visible[0].value; showSectors(); }
});

function showSectors() {
  const chosen = catalog.industries.find((i) => i.slug === industry.value);
  sectorList.replaceChildren();
  if (!chosen) { sectorList.append(el("p", { class: "muted", text: "Choose an industry first." })); return; }
  const catalogSlugs = new Set(chosen.sectors.map((s) => s.slug));
  const own = ownNiches.filter((n) => n.industry === chosen.slug && !catalogSlugs.has(n.sector))
    .map((n) => ({ slug: n.sector, name: n.name, note: "your grid" }));
  const listed = chosen.sectors.map((s) => ({ ...s, note: s.site_types.join(", ").replaceAll("_", " ") }));
  for (const sector of [...own, ...listed]) {
    const id = `sector-${sector.slug}`;
    sectorList.append(el("label", { for: id, "data-name": sector.name.toLowerCase() },
      el("input", { type: "checkbox", id, name: "sectors", value: sector.slug, onchange: limitSectors }),
      `${sector.name}`, el("span", { class: "muted", text: ` (${sector.note})` })));
  }
  filterSectors();
}

function filterSectors() {
  const wanted = sectorSearch.value.trim().toLowerCase();
  for (const label of sectorList.querySelectorAll("label")) label.hidden = wanted && !label.dataset.name.includes(wanted);
}

function limitSectors() {
  const boxes = [...sectorList.querySelectorAll("input[type=checkbox]")];
  const full = boxes.filter((b) => b.checked).length >= 5;
  for (const box of boxes) box.disabled = full && !box.checked;
}

industry.addEventListener("change", showSectors);
sectorSearch.addEventListener("input", filterSectors);
showSectors();
