// Requests to the API through the session bridge (/app/api → /api/v1) and to the web app's data routes.
// The session cookie goes along by itself; changes carry the page's CSRF token in a header.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

export class RequestFailed extends Error {
  constructor(message, status, errors) { super(message); this.status = status; this.errors = errors || {}; }
}

async function call(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") { headers["X-CSRF-Token"] = csrf; }
  if (body !== undefined) { headers["Content-Type"] = "application/json"; }
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  if (response.status === 401) { window.location.assign("/sign-in"); }
  if (!response.ok) {
    const message = (payload && (payload.error || payload.detail)) || `the server answered ${response.status}`;
    throw new RequestFailed(message, response.status, payload && payload.errors);
  }
  // The API answers with its envelope; the web app's data routes with the data itself.
  return payload && typeof payload === "object" && "success" in payload && "data" in payload ? payload.data : payload;
}

export const api = {
  get: (path) => call("GET", `/app/api/${path}`),
  post: (path, body) => call("POST", `/app/api/${path}`, body ?? {}),
};
export const data = {
  get: (path) => call("GET", `/app/data/${path}`),
  post: (path, body) => call("POST", `/app/data/${path}`, body ?? {}),
};

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
