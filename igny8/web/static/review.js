// The proposal at a review pause, as something to act on: the attribute grid as an editable table, the
// cluster preview as cards. Every change becomes a structured edit in `pending` (shown, applied together).
import { el } from "/static/api.js";
import { TYPE_COLOURS } from "/static/pictures.js";

export function renderReview(container, review, { onApply, onApprove }) {
  const pending = [];
  const list = el("ul", { class: "pending-list" });
  const pendingBox = el("div", { class: "pending", hidden: true, "aria-live": "polite" });
  const applyButton = el("button", { type: "button", onclick: () => onApply(review.stage, [...pending]) }, "Apply edits");
  const discard = el("button", { type: "button", class: "secondary", onclick: () => renderReview(container, review, { onApply, onApprove }) }, "Discard");
  pendingBox.append(el("h3", { text: "Edits to apply" }), list, applyButton, " ", discard);

  function add(edit, description) {
    pending.push(edit);
    list.append(el("li", { text: description }));
    pendingBox.hidden = false;
    approve.disabled = true;
  }

  const approve = el("button", { type: "button", id: "approve", onclick: () => onApprove() },
    review.stage === "attributes" ? "Approve the attributes" : "Approve the clusters");
  const title = review.stage === "attributes" ? "Review the attribute grid" : "Review the cluster preview";
  const body = review.stage === "attributes" ? attributeTable(review.attributes, add) : clusterCards(review.clusters, add);
  const problems = (review.errors || []).map((text) => el("p", { class: "error", role: "alert", text }));
  container.replaceChildren(el("h2", { text: title }), ...problems, body, pendingBox, approve);
  container.hidden = false;
}

function attributeTable(attributes, add) {
  const rows = attributes.map((attribute) => {
    const nameId = `attr-${attribute.slug}`;
    const nameInput = el("input", { id: nameId, value: attribute.name, "aria-label": `Name of attribute ${attribute.name}` });
    nameInput.addEventListener("change", () => {
      if (nameInput.value.trim() && nameInput.value.trim() !== attribute.name)
        add({ op: "rename_attribute", attribute: attribute.slug, new_name: nameInput.value.trim() }, `rename attribute ${attribute.name} to ${nameInput.value.trim()}`);
    });
    const values = el("div", { class: "values" }, attribute.values.map((value) => valueChip(attribute, value, add)));
    const newValue = el("input", { "aria-label": `New value for ${attribute.name}`, placeholder: "add a value", maxlength: 60 });
    const addValue = () => {
      const text = newValue.value.trim();
      if (!text) return;
      add({ op: "add_value", attribute: attribute.slug, value: text }, `add ${text} to ${attribute.name}`);
      values.append(el("span", { class: "chip", text: `${text} (new)` }));
      newValue.value = "";
    };
    newValue.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); addValue(); } });
    const removeAttribute = el("button", { type: "button", class: "danger small", "aria-label": `Remove attribute ${attribute.name}`,
      onclick: (event) => { event.target.disabled = true; add({ op: "remove_attribute", attribute: attribute.slug }, `remove attribute ${attribute.name}`); } }, "Remove");
    return el("tr", { "data-attribute": attribute.slug },
      el("td", {}, nameInput, el("div", { class: "muted", text: `${attribute.level} · ${attribute.kind}` }), removeAttribute),
      el("td", {}, values, el("div", { class: "add-value" }, newValue,
        el("button", { type: "button", class: "small secondary", onclick: addValue, "aria-label": `Add the value to ${attribute.name}` }, "Add"))));
  });
  return el("div", { class: "scroll-x" }, el("table", { id: "attribute-grid" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Attribute" }), el("th", { scope: "col", text: "Values" }))),
    el("tbody", {}, rows)));
}

function valueChip(attribute, value, add) {
  const input = el("input", { value, "aria-label": `${attribute.name}: ${value}`, maxlength: 60, "data-value": value });
  const chip = el("span", { class: "chip" }, input);
  input.addEventListener("change", () => {
    const text = input.value.trim();
    if (text && text !== value) add({ op: "rename_value", attribute: attribute.slug, value, new_name: text }, `rename ${value} to ${text} in ${attribute.name}`);
  });
  chip.append(el("button", { type: "button", class: "small secondary", "aria-label": `Remove ${value} from ${attribute.name}`,
    onclick: (event) => { chip.classList.add("removed"); input.disabled = true; event.currentTarget.disabled = true;
      add({ op: "remove_value", attribute: attribute.slug, value }, `remove ${value} from ${attribute.name}`); } }, "×"));
  return chip;
}

function clusterCards(clusters, add) {
  return el("div", { class: "cluster-cards", id: "cluster-cards" }, clusters.map((cluster) => {
    const rename = el("input", { value: cluster.name, "aria-label": `Name of cluster ${cluster.name}`, maxlength: 80 });
    rename.addEventListener("change", () => {
      const text = rename.value.trim();
      if (text && text !== cluster.name) add({ op: "rename", cluster: cluster.slug, new_name: text }, `rename cluster ${cluster.name} to ${text}`);
    });
    const card = el("article", { class: "cluster-card", "data-cluster": cluster.slug },
      el("h3", { text: cluster.name }),
      el("span", { class: "badge", text: cluster.type.replaceAll("_", " ") }),
      el("p", {}, el("strong", { text: "Hub: " }), cluster.hub),
      el("p", { class: "muted", text: `${cluster.keywords} keywords · ${cluster.sector}` }),
      el("p", { class: "muted", text: (cluster.examples || []).join(" · ") }),
      rename,
      el("button", { type: "button", class: "danger small", "aria-label": `Remove cluster ${cluster.name}`,
        onclick: (event) => { event.currentTarget.disabled = true; card.classList.add("removed"); add({ op: "remove", cluster: cluster.slug }, `remove cluster ${cluster.name}`); } }, "Remove"));
    card.style.borderLeftColor = TYPE_COLOURS[cluster.type] || "#6b7280";
    return card;
  }));
}
