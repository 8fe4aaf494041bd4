// A chat session: its events streamed (SSE through the session bridge, replayed from the first event after a
// reload, continued from the last one after a dropped connection), the proposal at each review pause, and
// messages: commands and approvals go to the API as they are; free text goes to the architect agent, whose
// edits are shown for confirmation before they apply.
import { api, data, el } from "/static/api.js";
import { renderReview } from "/static/review.js";

const root = document.getElementById("chat");
const id = root.dataset.chat;
const log = document.getElementById("chat-log");
const status = document.getElementById("chat-status");
const review = document.getElementById("review");
const confirmBox = document.getElementById("proposal-confirm");
const form = document.getElementById("chat-form");
const text = document.getElementById("chat-text");
let stream = null;
let lastEvent = 0;
let quietTimer = null;

function say(role, message) {
  log.append(el("li", { class: role, text: message }));
  log.scrollTop = log.scrollHeight;
}

function setStatus(message) { status.textContent = message; }

// A structured review answer (sent from the grid or a confirmed free-text edit) is logged as JSON: say it in words.
function readable(said) {
  let answer;
  try { answer = JSON.parse(said); } catch { return said; }
  if (!answer || typeof answer !== "object") return said;
  const edits = [...(answer.attribute_edits || []), ...(answer.cluster_edits || [])];
  if (!edits.length) return "approve";
  return edits.map((e) => [e.op.replaceAll("_", " "), e.attribute || e.cluster, e.value, e.new_name ? `→ ${e.new_name}` : ""].filter(Boolean).join(" ")).join("; ");
}

function follow() {
  if (stream) stream.close();
  stream = new EventSource(`/app/api/chat/sessions/${id}/events?after=${lastEvent}&timeout=120`);
  const seen = (event) => { lastEvent = Math.max(lastEvent, Number(event.lastEventId) || 0); watchQuiet(); return JSON.parse(event.data); };
  stream.addEventListener("progress", (event) => say("progress", seen(event).text));
  stream.addEventListener("message", (event) => { const m = seen(event); say(m.role === "user" ? "user" : "assistant", m.role === "user" ? readable(m.text) : m.text); });
  stream.addEventListener("review", (event) => showReview(seen(event)));
  stream.addEventListener("done", (event) => finished(seen(event)));
  stream.addEventListener("error", (event) => { if (event.data) say("err", seen(event).text); });
  stream.addEventListener("end", (event) => {
    const state = JSON.parse(event.data).status;
    stream.close();
    clearTimeout(quietTimer);
    if (state === "awaiting_review") setStatus("Waiting for your review");
    else if (state === "failed") setStatus("The build stopped");
    else if (state === "completed") setStatus("Done");
  });
  setStatus("Working…");
  watchQuiet();
}

// A session that was running when its server stopped makes no progress: offer to resume it.
function watchQuiet() {
  clearTimeout(quietTimer);
  quietTimer = setTimeout(async () => {
    const session = await api.get(`chat/sessions/${id}`);
    if (session.status !== "running" || document.getElementById("resume")) return;
    confirmBox.replaceChildren(el("p", { text: "No progress for a while: the server may have restarted." }),
      el("button", { type: "button", id: "resume", onclick: resume }, "Resume the build"));
    confirmBox.hidden = false;
  }, 30000);
}

async function resume() {
  confirmBox.hidden = true;
  try { await api.post(`chat/sessions/${id}/resume`); } catch (error) { say("err", error.message); }
  follow();
}

function showReview(payload) {
  confirmBox.hidden = true;
  renderReview(review, payload, { onApply: applyEdits, onApprove: () => answer({}, "approve") });
  setStatus("Waiting for your review");
}

function finished(result) {
  review.hidden = true;
  setStatus("Done");
  say("assistant", `Draft blueprint v${result.version} is saved.`);
  if (result.site_id) {
    log.append(el("li", { class: "assistant" }, el("a", { href: `/app/sites/${result.site_id}`, id: "to-dashboard" }, "Open the site dashboard")));
  }
}

async function answer(body, label) {
  review.hidden = true;
  confirmBox.hidden = true;
  setStatus(`Applying: ${label}`);
  try {
    await api.post(`chat/sessions/${id}/review`, body);
  } catch (error) {
    say("err", error.message);
    review.hidden = false;
    return;
  }
  follow();
}

function applyEdits(stage, edits) {
  const body = stage === "attributes" ? { attribute_edits: edits } : { cluster_edits: edits };
  return answer(body, `${edits.length} edit${edits.length === 1 ? "" : "s"}`);
}

// Returns true when the message is a command to send as it is; otherwise shows the architect's edits for
// confirmation, or its question.
async function interpret(message) {
  setStatus("Reading your message…");
  const found = await data.post(`chat/${id}/interpret`, { text: message });
  if (found.command) return true;
  say("user", message);
  if (found.question) {
    say("assistant", found.question);
    setStatus("Waiting for your review");
    return false;
  }
  const apply = () => answer({ attribute_edits: found.attribute_edits, cluster_edits: found.cluster_edits }, found.descriptions.join("; "));
  const cancel = () => { confirmBox.hidden = true; setStatus("Waiting for your review"); };
  confirmBox.replaceChildren(
    el("p", { text: "I understood these edits. Apply them?" }),
    el("ul", { id: "proposed-edits" }, found.descriptions.map((line) => el("li", { text: line }))),
    el("button", { type: "button", id: "confirm-edits", onclick: apply }, "Apply these edits"),
    " ",
    el("button", { type: "button", class: "secondary", onclick: cancel }, "Cancel"),
  );
  confirmBox.hidden = false;
  setStatus("Confirm the edits");
  document.getElementById("confirm-edits").focus();
  return false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = text.value.trim();
  if (!message) return;
  text.value = "";
  try {
    // Commands and approvals go to the API as they are; other messages are free text for the architect.
    if (await interpret(message)) {
      await api.post(`chat/sessions/${id}/messages`, { text: message });
      review.hidden = true;
      confirmBox.hidden = true;
      follow();
    }
  } catch (error) {
    say("err", error.message);
    setStatus("Waiting for your review");
  }
});

follow();
