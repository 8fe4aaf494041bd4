// Pictures drawn from the API's data as SVG: the cluster map, the internal-link graph, the health chart.
const NS = "http://www.w3.org/2000/svg";
export const TYPE_COLOURS = {
  product_category: "#2563eb", condition_problem: "#dc2626", feature: "#7c3aed", brand: "#db2777",
  informational: "#059669", comparison: "#d97706", location: "#0891b2",
};
const KIND_COLOURS = { hub: "#1d4ed8", supporting: "#059669", term: "#d97706", commercial: "#db2777" };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(width, height, label) {
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  root.append(svg("title", {}, label));
  return root;
}

export function legend(entries) {
  const box = document.createElement("p");
  box.className = "legend";
  for (const [name, colour] of entries) {
    const item = document.createElement("span");
    item.style.setProperty("--c", colour);
    item.textContent = name.replaceAll("_", " ");
    box.append(item);
  }
  return box;
}

// Clusters as nodes sized by keywords and coloured by type; each hub with its supporting pages around it.
export function clusterMap(blueprint) {
  const clusters = blueprint.clusters;
  const columns = Math.max(1, Math.min(5, Math.ceil(Math.sqrt(clusters.length))));
  const cell = 150;
  const rows = Math.max(1, Math.ceil(clusters.length / columns));
  const root = frame(columns * cell, rows * cell, `Cluster map: ${clusters.length} clusters`);
  const biggest = Math.max(1, ...clusters.map((c) => c.keywords.length));
  clusters.forEach((cluster, index) => {
    const cx = (index % columns) * cell + cell / 2;
    const cy = Math.floor(index / columns) * cell + cell / 2 - 8;
    const radius = 12 + 22 * Math.sqrt(cluster.keywords.length / biggest);
    const colour = TYPE_COLOURS[cluster.type] || "#6b7280";
    const group = svg("g", { class: "cluster-node", "data-slug": cluster.slug });
    const count = cluster.supporting.length;
    cluster.supporting.forEach((page, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, count) - Math.PI / 2;
      const sx = cx + Math.cos(angle) * (radius + 24);
      const sy = cy + Math.sin(angle) * (radius + 24);
      group.append(svg("line", { x1: cx, y1: cy, x2: sx, y2: sy, stroke: colour, "stroke-opacity": 0.5 }));
      const dot = svg("circle", { cx: sx, cy: sy, r: 4, fill: "#fff", stroke: colour });
      dot.append(svg("title", {}, page.title));
      group.append(dot);
    });
    const hub = svg("circle", { cx, cy, r: radius, fill: colour, "fill-opacity": 0.85 });
    hub.append(svg("title", {}, `${cluster.name} (${cluster.type.replaceAll("_", " ")}): ${cluster.keywords.length} keywords; hub “${cluster.hub.title}”`));
    group.append(hub);
    group.append(svg("text", { x: cx, y: cy + 4, "text-anchor": "middle", "font-size": 11, fill: "#fff" }, String(cluster.keywords.length)));
    const name = cluster.name.length > 22 ? `${cluster.name.slice(0, 21)}…` : cluster.name;
    group.append(svg("text", { x: cx, y: cy + radius + 38, "text-anchor": "middle", "font-size": 12, fill: "#1f2937" }, name));
    root.append(group);
  });
  return root;
}

// The blueprint's link map: hubs on an inner ring, the other pages on an outer ring next to their cluster's
// hub, an edge per planned link.
export function linkGraph(blueprint, limit = 200) {
  const order = new Map(blueprint.clusters.map((c, i) => [c.slug, i]));
  const rank = (page) => (order.has(page.cluster) ? order.get(page.cluster) : blueprint.clusters.length);
  const pages = [...blueprint.pages].sort((a, b) => rank(a) - rank(b)).slice(0, limit);
  const hubs = pages.filter((p) => p.kind === "hub");
  const others = pages.filter((p) => p.kind !== "hub");
  const size = 520;
  const centre = size / 2;
  const root = frame(size, size, `Internal-link graph: ${pages.length} pages, ${blueprint.link_map.length} planned links`);
  const where = new Map();
  const ring = (list, radius) => list.forEach((page, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, list.length) - Math.PI / 2;
    where.set(page.slug, [centre + Math.cos(angle) * radius, centre + Math.sin(angle) * radius, page]);
  });
  ring(hubs, centre * 0.5);
  ring(others, centre * 0.9);
  const edges = svg("g", { stroke: "#94a3b8", "stroke-opacity": 0.35 });
  for (const link of blueprint.link_map) {
    const a = where.get(link.source);
    const b = where.get(link.target);
    if (a && b) edges.append(svg("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }));
  }
  root.append(edges);
  for (const [x, y, page] of where.values()) {
    const dot = svg("circle", { cx: x, cy: y, r: page.kind === "hub" ? 6 : 3.5, fill: KIND_COLOURS[page.kind] || "#6b7280" });
    dot.append(svg("title", {}, `${page.title} (${page.kind})`));
    root.append(dot);
  }
  return root;
}

export const linkLegend = () => legend(Object.entries(KIND_COLOURS));

// Health score over time (0–100) as a line with its points.
export function healthChart(history) {
  const width = 520, height = 220, left = 36, bottom = 28, top = 12, right = 12;
  const points = [...history].reverse();
  const root = frame(width, height, `Health history: ${points.length} scores`);
  const y = (score) => top + (height - top - bottom) * (1 - score / 100);
  const x = (i) => left + (points.length <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (points.length - 1));
  for (const tick of [0, 25, 50, 75, 100]) {
    root.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: "#e5e7eb" }));
    root.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 10, fill: "#6b7280" }, String(tick)));
  }
  if (points.length) {
    const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(" ");
    root.append(svg("path", { d: path, fill: "none", stroke: "#1d4ed8", "stroke-width": 2 }));
    points.forEach((p, i) => {
      const dot = svg("circle", { cx: x(i), cy: y(p.score), r: 4, fill: "#1d4ed8" });
      dot.append(svg("title", {}, `${p.score.toFixed(1)} on ${p.computed_at.slice(0, 10)}`));
      root.append(dot);
    });
    root.append(svg("text", { x: left, y: height - 8, "font-size": 10, fill: "#6b7280" }, points[0].computed_at.slice(0, 10)));
    root.append(svg("text", { x: width - right, y: height - 8, "text-anchor": "end", "font-size": 10, fill: "#6b7280" }, points.at(-1).computed_at.slice(0, 10)));
  }
  return root;
}
