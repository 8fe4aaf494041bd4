// The grid editor of a niche outside the catalog: attributes and search patterns as rows added and removed in
// place, a start from the architect's draft or a catalog sector's grid, and every problem the server finds
// shown next to the row or field it is about.
import { data, el } from "/static/api.js";

const LEVELS = ["primary", "secondary", "tertiary"];
const KINDS = ["category", "problem", "feature", "brand", "location", "audience", "price", "use_case"];
const INTENTS = ["informational", "commercial", "transactional", "navigational"];
const FIELDS = ["site_name", "url", "industry", "site_type", "sector_name", "attributes", "keyword_templates", "template"];

const form = document.getElementById("niche-form");
const summary = document.getElementById("summary");
const attributeRows = document.getElementById("attribute-rows");
const patternRows = document.getElementById("pattern-rows");
const industry = document.getElementById("industry");
const startFrom = document.getElementById("start-from");
const startStatus = document.getElementById("start-status");
const draftButton = document.getElementById("draft");
let drafted = false;

function choice(options, value, label) {
  return el("select", { "aria-label": label },
    options.map((o) => el("option", { value: o, selected: o === value }, o.replaceAll("_", " "))));
}

function slugOf(name) {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").replace(/^[0-9_]+/, "");
}

function removeButton(label, row, rows, addButton) {
  return el("button", { type: "button", class: "small danger remove", "aria-label": label, onclick: () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    changed();
    (next ? next.querySelector("input, textarea") : addButton).focus();
  } }, "Remove");
}

function attributeRow(attribute = {}) {
  const row = el("tr", { class: "attribute" });
  const name = el("input", { class: "name", maxlength: "60", value: attribute.name || "" });
  const slug = el("input", { class: "slug", maxlength: "40", value: attribute.slug || "", spellcheck: "false" });
  slug.dataset.auto = attribute.slug ? "" : "1";
  name.addEventListener("input", () => { if (slug.dataset.auto) slug.value = slugOf(name.value); });
  slug.addEventListener("input", () => { slug.dataset.auto = ""; });
  const values = el("textarea", { class: "values", rows: "5" });
  values.value = (attribute.values || []).join("\n");
  row.append(
    el("td", {}, name), el("td", {}, slug),
    el("td", {}, choice(LEVELS, attribute.level || "primary", "level")),
    el("td", {}, choice(KINDS, attribute.kind || "category", "kind")),
    el("td", {}, values, el("ul", { class: "row-problems", hidden: true })),
    el("td", {}, removeButton("remove", row, attributeRows, document.getElementById("add-attribute"))),
  );
  return row;
}

function patternRow(pattern = {}) {
  const row = el("tr", { class: "pattern" });
  const text = el("input", { class: "pattern-text", maxlength: "120", value: pattern.pattern || "", spellcheck: "false" });
  const modifiers = el("input", { class: "modifiers", value: (pattern.modifiers || []).join(", ") });
  row.append(
    el("td", { class: "pattern" }, text, el("ul", { class: "row-problems", hidden: true })),
    el("td", {}, choice(INTENTS, pattern.intent || "informational", "intent")),
    el("td", {}, modifiers),
    el("td", {}, removeButton("remove", row, patternRows, document.getElementById("add-pattern"))),
  );
  row.dataset.extra = JSON.stringify({ only: pattern.only || {}, exclude: pattern.exclude || [] });
  return row;
}

function renumber() {  // every control names its row, so a screen reader tells the rows apart
  [...attributeRows.rows].forEach((row, i) => {
    const n = i + 1;
    row.querySelector(".name").setAttribute("aria-label", `Attribute ${n} name`);
    row.querySelector(".slug").setAttribute("aria-label", `Attribute ${n} slug`);
    row.querySelectorAll("select")[0].setAttribute("aria-label", `Attribute ${n} level`);
    row.querySelectorAll("select")[1].setAttribute("aria-label", `Attribute ${n} kind`);
    row.querySelector(".values").setAttribute("aria-label", `Attribute ${n} values, one a line`);
    row.querySelector(".remove").setAttribute("aria-label", `Remove attribute ${n}`);
  });
  [...patternRows.rows].forEach((row, i) => {
    const n = i + 1;
    row.querySelector(".pattern-text").setAttribute("aria-label", `Search pattern ${n}`);
    row.querySelector("select").setAttribute("aria-label", `Search pattern ${n} intent`);
    row.querySelector(".modifiers").setAttribute("aria-label", `Search pattern ${n} modifiers, separated by commas`);
    row.querySelector(".remove").setAttribute("aria-label", `Remove search pattern ${n}`);
  });
}

function fill(grid) {
  attributeRows.replaceChildren(...grid.attributes.map(attributeRow));
  patternRows.replaceChildren(...grid.keyword_templates.map(patternRow));
  renumber();
  clearProblems();
}

function changed() { drafted = false; }

function add(rows, make, addButton) {
  addButton.addEventListener("click", () => {
    rows.append(make());
    renumber();
    changed();
    rows.lastElementChild.querySelector("input").focus();
  });
}

function grid() {
  const list = (text, separator) => text.split(separator).map((v) => v.trim()).filter(Boolean);
  return {
    attributes: [...attributeRows.rows].map((row) => {
      const [level, kind] = row.querySelectorAll("select");
      return { name: row.querySelector(".name").value.trim(), slug: row.querySelector(".slug").value.trim(),
        level: level.value, kind: kind.value, values: list(row.querySelector(".values").value, "\n") };
    }),
    keyword_templates: [...patternRows.rows].map((row) => {
      const extra = JSON.parse(row.dataset.extra || "{}");
      const found = { pattern: row.querySelector(".pattern-text").value.trim(), intent: row.querySelector("select").value,
        modifiers: list(row.querySelector(".modifiers").value, ",") };
      if (Object.keys(extra.only || {}).length) found.only = extra.only;
      if ((extra.exclude || []).length) found.exclude = extra.exclude;
      return found;
    }),
  };
}

function niche() {
  return { industry: industry.value, sector_name: form.sector_name.value.trim(), site_type: form.site_type.value };
}

function clearProblems() {
  summary.hidden = true;
  for (const field of FIELDS) { const p = document.getElementById(`error-${field}`); p.hidden = true; p.textContent = ""; }
  for (const list of form.querySelectorAll(".row-problems")) { list.hidden = true; list.replaceChildren(); }
  for (const row of form.querySelectorAll("tr.has-problems")) row.classList.remove("has-problems");
}

function showProblems(error) {
  clearProblems();
  summary.textContent = error.message;
  summary.hidden = false;
  for (const [field, messages] of Object.entries(error.errors || {})) {
    const [section, index, ...rest] = field.split(".");
    const rows = section === "attributes" ? attributeRows : section === "keyword_templates" ? patternRows : null;
    const row = rows && index !== undefined ? rows.rows[Number(index)] : null;
    if (row) {
      row.classList.add("has-problems");
      const list = row.querySelector(".row-problems");
      for (const message of messages) list.append(el("li", { text: rest.length ? `${rest.join(".")}: ${message}` : message }));
      list.hidden = false;
      continue;
    }
    const target = document.getElementById(`error-${FIELDS.includes(section) ? section : "template"}`);
    target.textContent = [target.textContent, ...messages].filter(Boolean).join(" · ");
    target.hidden = false;
  }
  const first = form.querySelector("tr.has-problems input, tr.has-problems textarea");
  (first || summary).scrollIntoView({ block: "center" });
  if (first) first.focus();
}

async function showStarts() {
  startFrom.replaceChildren(el("option", { value: "", text: industry.value ? "Choose a sector" : "Choose an industry first" }));
  if (!industry.value) return;
  for (const sector of await data.get(`niche/starts/${industry.value}`)) {
    startFrom.append(el("option", { value: sector.slug, text: sector.name }));
  }
}

document.getElementById("load-start").addEventListener("click", async () => {
  if (!startFrom.value) { startStatus.textContent = "Choose a catalog sector to start from."; return; }
  fill(await data.get(`niche/start/${startFrom.value}`));
  drafted = false;
  startStatus.textContent = `The grid of ${startFrom.selectedOptions[0].textContent} is in the editor: make it yours.`;
});

draftButton?.addEventListener("click", async () => {
  startStatus.textContent = "The architect is drafting the grid…";
  draftButton.disabled = true;
  try {
    fill(await data.post("niche/draft", niche()));
    drafted = true;
    startStatus.textContent = "The architect's draft is in the editor: check it, edit what you like, then create the site.";
  } catch (error) {
    startStatus.textContent = "";
    showProblems(error);
  } finally {
    draftButton.disabled = false;
  }
});

form.addEventListener("input", (event) => { if (event.target.closest("#niche-attribute-grid, #niche-pattern-grid")) changed(); });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("create");
  button.disabled = true;
  try {
    const created = await data.post("niche/sites", {
      ...niche(), site_name: form.site_name.value.trim(), url: form.url.value.trim() || null, ...grid(), drafted,
    });
    document.getElementById("niche-editor").hidden = true;
    document.getElementById("created-title").textContent = `${created.site.name} is created`;
    document.getElementById("created-sector").textContent =
      `Its niche, ${created.sector.name}, is kept with your grid (${created.sector.source.replace("_", " ")}) for your other sites.`;
    document.getElementById("created-key").value = created.site_key;
    document.getElementById("created-build").href = created.build;
    document.getElementById("created-dashboard").href = `/app/sites/${created.site.id}`;
    document.getElementById("created").hidden = false;
    document.getElementById("created-build").focus();
  } catch (error) {
    showProblems(error);
  } finally {
    button.disabled = false;
  }
});

add(attributeRows, attributeRow, document.getElementById("add-attribute"));
add(patternRows, patternRow, document.getElementById("add-pattern"));
industry.addEventListener("change", showStarts);
const FIRST_ROWS = [["primary", "category"], ["primary", "problem"], ["secondary", "audience"], ["secondary", "price"],
  ["tertiary", "feature"]];
fill({ attributes: FIRST_ROWS.map(([level, kind]) => ({ level, kind })), keyword_templates: Array.from({ length: 8 }, () => ({})) });
