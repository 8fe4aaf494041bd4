// The site dashboard: blueprint versions (with a diff between two), the cluster map, the internal-link
// graph, the attribute grid, health history and pages by status — all drawn from the API's data.
import { api, data, el } from "/static/api.js";
import { clusterMap, healthChart, legend, linkGraph, linkLegend, TYPE_COLOURS } from "/static/pictures.js";

const site = document.getElementById("dashboard").dataset.site;
const versionsBox = document.getElementById("versions");

async function show(version) {
  const blueprint = await data.get(`sites/${site}/blueprints/${version}`);
  document.getElementById("cluster-map").replaceChildren(clusterMap(blueprint),
    legend(Object.entries(TYPE_COLOURS).filter(([type]) => blueprint.clusters.some((c) => c.type === type))));
  document.getElementById("link-graph").replaceChildren(linkGraph(blueprint), linkLegend());
  document.getElementById("grid").replaceChildren(grid(blueprint));
  return blueprint;
}

function grid(blueprint) {
  return el("table", { id: "dashboard-grid" },
    el("thead", {}, el("tr", {}, ["Attribute", "Level", "Kind", "Values"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, blueprint.attributes.map((a) => el("tr", {},
      el("th", { scope: "row", text: a.name }), el("td", { text: a.level }), el("td", { text: a.kind }),
      el("td", {}, el("div", { class: "values" }, a.values.map((v) => el("span", { class: "chip", text: v }))))))));
}

function versionTable(versions, chosen) {
  const select = (name, value) => el("select", { id: name, "aria-label": name === "diff-a" ? "Compare version" : "with version" },
    versions.map((v) => el("option", { value: v.version, selected: v.version === value }, `v${v.version} (${v.status})`)));
  const rows = versions.map((v) => el("tr", {},
    el("td", {}, el("button", { type: "button", class: "link", onclick: () => show(v.version), "aria-label": `Show version ${v.version}` }, `v${v.version}`)),
    el("td", { text: v.status }), el("td", { text: v.health_score?.toFixed(1) ?? "–" }),
    el("td", { text: String(v.clusters) }), el("td", { text: String(v.keywords) }), el("td", { text: v.created_at.slice(0, 16).replace("T", " ") }),
    el("td", {}, v.status === "draft" ? el("button", { type: "button", class: "small", onclick: () => activate(v.version) }, `Activate v${v.version}`) : "")));
  const a = select("diff-a", versions.length > 1 ? versions.at(-2).version : chosen);
  const b = select("diff-b", chosen);
  return el("div", {},
    el("div", { class: "scroll-x" }, el("table", {},
      el("thead", {}, el("tr", {}, ["Version", "Status", "Health", "Clusters", "Keywords", "Created", ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows))),
    el("div", { class: "actions" }, a, b, el("button", { type: "button", onclick: () => diff(Number(a.value), Number(b.value)) }, "Compare")));
}

async function activate(version) {
  await data.post(`sites/${site}/blueprints/${version}/activate`);
  await load();
}

function setDiff(before, after, key, label) {
  const old = new Set(before.map(key));
  const now = new Set(after.map(key));
  const added = [...now].filter((k) => !old.has(k));
  const removed = [...old].filter((k) => !now.has(k));
  return el("div", {}, el("h3", { text: label }),
    added.length || removed.length ? el("ul", {}, added.map((k) => el("li", { class: "ok", text: `+ ${k}` })), removed.map((k) => el("li", { class: "error", text: `− ${k}` })))
      : el("p", { class: "muted", text: "no change" }));
}

async function diff(a, b) {
  const [left, right] = await Promise.all([data.get(`sites/${site}/blueprints/${a}`), data.get(`sites/${site}/blueprints/${b}`)]);
  const values = (bp) => bp.attributes.flatMap((attr) => attr.values.map((v) => ({ id: `${attr.name}: ${v}` })));
  document.getElementById("diff").replaceChildren(el("h3", { text: `v${a} → v${b}` }),
    setDiff(left.attributes, right.attributes, (x) => x.name, "Attributes"),
    setDiff(values(left), values(right), (x) => x.id, "Values"),
    setDiff(left.clusters, right.clusters, (x) => x.name, "Clusters"),
    setDiff(left.pages, right.pages, (x) => x.slug, "Pages"));
}

function pagesByStatus(pages) {
  if (!pages.length) return el("p", { class: "muted", text: "No pages written yet: run the content pipeline (igny8 pipeline run --site " + site + ")." });
  const statuses = ["review", "draft", "approved", "published"];
  return el("div", {}, statuses.filter((s) => pages.some((p) => p.status === s)).map((s) => el("section", {},
    el("h3", { text: `${s} (${pages.filter((p) => p.status === s).length})` }),
    pages.filter((p) => p.status === s).map(pageRow))));
}

function pageRow(page) {
  const details = el("details", { class: "page-row", "data-page": page.id }, el("summary", {}, `${page.title} `, el("span", { class: "badge", text: page.score ? `${page.score.total}/100` : "unscored" })));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.drawn) return;
    details.dataset.drawn = "1";
    const dims = page.score ? el("div", { class: "dims" }, page.score.dimensions.flatMap((d) => [el("span", { text: d.name.replaceAll("_", " ") }), el("span", { text: `${d.points}/${d.out_of}`, title: d.why })])) : null;
    // The page's HTML is model output: shown in a sandbox that runs no script.
    const parts = [el("p", { class: "muted", text: page.meta_description }), dims, page.status === "review" ? reviewControls(page) : null,
      el("iframe", { title: `Preview of ${page.title}`, sandbox: "", srcdoc: PREVIEW_STYLE + page.html })];
    details.append(...parts.filter(Boolean));
  });
  return details;
}

// The preview's own styles: images the export folder serves are not reachable from here, so they stay small.
const PREVIEW_STYLE = "<!doctype html><meta charset=utf-8><style>body{font:15px/1.5 system-ui,sans-serif;margin:8px;color:#1f2937}img,svg{max-width:100%;max-height:140px}</style>";

// The review queue: approve, edit the title and meta description, or send the page back with a note.
function reviewControls(page) {
  const title = el("input", { id: `title-${page.id}`, value: page.title, maxlength: 200 });
  const meta = el("textarea", { id: `meta-${page.id}`, maxlength: 320, rows: 2 }, page.meta_description);
  const note = el("textarea", { id: `note-${page.id}`, maxlength: 1000, rows: 2 });
  const problem = el("p", { class: "error", role: "alert", hidden: true });
  const act = async (body) => {
    problem.hidden = true;
    try { await data.post(`sites/${site}/pages/${page.id}/review`, body); await loadPages(); }
    catch (error) { problem.textContent = error.message; problem.hidden = false; }
  };
  return el("div", { class: "review-controls" },
    el("button", { type: "button", onclick: () => act({ action: "approve" }) }, "Approve"),
    el("label", { for: title.id, text: "Title" }), title,
    el("label", { for: meta.id, text: "Meta description" }), meta,
    el("button", { type: "button", class: "secondary", onclick: () => act({ action: "edit", title: title.value, meta_description: meta.value }) }, "Save title and meta"),
    el("label", { for: note.id, text: "What should change (to send it back)" }), note,
    el("button", { type: "button", class: "danger", onclick: () => act({ action: "send_back", note: note.value }) }, "Send back"),
    problem);
}

async function loadPages() {
  document.getElementById("pages").replaceChildren(pagesByStatus(await data.get(`sites/${site}/pages`)));
}

// A run's record: its options (page limit, stages) and, once finished, what it counted.
function runSummary(record) {
  const options = record.options || {};
  const counts = Object.entries(record.counts || {}).filter(([, n]) => typeof n === "number").map(([k, n]) => `${k.replaceAll("_", " ")} ${n}`);
  return [options.limit ? `up to ${options.limit} pages` : "", (options.stages || []).join(", "), counts.join(", ")].filter(Boolean).join(" · ");
}

function runsTable(runs) {
  if (!runs.length) return el("p", { class: "muted", text: "No runs yet." });
  return el("table", {}, el("thead", {}, el("tr", {}, ["Run", "Status", "Started", "Finished", "What"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, runs.map((r) => el("tr", {}, el("td", { text: String(r.id) }), el("td", { text: r.status }),
      el("td", { text: r.started_at.slice(0, 16).replace("T", " ") }), el("td", { text: r.finished_at ? r.finished_at.slice(0, 16).replace("T", " ") : "–" }),
      el("td", { text: runSummary(r.stages || {}) })))));
}

let polling = null;
async function loadRuns() {
  const status = await data.get(`sites/${site}/pipeline`);
  document.getElementById("runs").replaceChildren(runsTable(status.runs));
  const live = status.live;
  const box = document.getElementById("run-live");
  if (!live) { box.replaceChildren(); return; }
  const label = live.state === "running" ? `Running: ${live.stage} ${live.done}/${live.total}` : `${{ finished: "Finished", failed: "Failed" }[live.state] || "Stopped"}: ${live.message}`;
  const bar = el("progress", { max: Math.max(1, live.total), value: live.done, "aria-label": "Pipeline progress" });
  box.replaceChildren(el("p", { class: live.state === "failed" ? "error" : "", id: "run-state", text: label }), ...(live.state === "running" ? [bar] : []));
  clearTimeout(polling);
  if (live.state === "running") polling = setTimeout(loadRuns, 1000);
  else await loadPages();
}

document.getElementById("run-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const limit = Number(document.getElementById("run-limit").value);
  try { await data.post(`sites/${site}/pipeline`, { limit }); }
  catch (error) { document.getElementById("run-live").replaceChildren(el("p", { class: "error", role: "alert", text: error.message })); return; }
  await loadRuns();
});

async function load() {
  const versions = await api.get(`sites/${site}/blueprints`);
  if (!versions.length) {
    versionsBox.replaceChildren(el("p", {}, "No blueprint yet. ", el("a", { href: `/app/sites/${site}/build` }, "Design the site with the architect"), "."));
  } else {
    const current = (versions.find((v) => v.status === "active") || versions.at(-1)).version;
    versionsBox.replaceChildren(versionTable(versions, current));
    await show(current);
  }
  const health = await api.get(`sites/${site}/health`);
  document.getElementById("health").replaceChildren(health.length ? healthChart(health) : el("p", { class: "muted", text: "No health scores yet (the weekly maintenance records them)." }));
  await Promise.all([loadPages(), loadRuns(), loadReports()]);
}

async function loadReports() {
  const reports = await api.get(`sites/${site}/reports`);
  const box = document.getElementById("reports");
  if (!reports.length) {
    box.replaceChildren(el("p", { class: "muted", text: "No report yet: the maintenance worker writes last month's on its first run of a month (or run `igny8 report`)." }));
    return;
  }
  box.replaceChildren(el("ul", {}, ...reports.map((r) => el("li", {},
    el("a", { href: `/app/data/sites/${site}/reports/${r.month}.${r.format}` }, `${r.month} (${r.format.toUpperCase()})`),
    ` written ${r.created_at.slice(0, 10)}`))));
}

load().catch((error) => versionsBox.replaceChildren(el("p", { class: "error", role: "alert", text: error.message })));
