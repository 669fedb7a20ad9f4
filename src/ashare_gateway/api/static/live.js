// Live updates: the gateway's Server-Sent Events stream (GET /api/events), read with fetch() so the
// Bearer token can be sent (EventSource cannot set headers). `Last-Event-ID` resumes after a drop.
// A gateway without the stream (404) is polled instead; a dropped stream is polled until it is back.
import { authFetch } from "./auth.js";

const EVENTS = "/api/events";
const POLL_MS = 3000;
const RETRY_MS = [1000, 2000, 5000, 10000, 15000];
const RECHECK_MISSING_MS = 60000;

// Split a text/event-stream into events: {id, event, data} (data parsed as JSON when it is JSON).
export function parseEvents(buffer) {
  const events = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop();
  for (const block of blocks) {
    const event = { id: null, event: "message", data: "" };
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") event.id = value;
      else if (field === "event") event.event = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length && event.id === null) continue;
    event.data = data.join("\n");
    try {
      event.data = JSON.parse(event.data);
    } catch {
      /* not JSON: keep the text */
    }
    events.push(event);
  }
  return { events, rest };
}

// onEvent(event) for each event; onMode("stream" | "polling" | "offline"); poll() refreshes everything.
export function startLive({ onEvent, onMode, poll }) {
  let lastId = null;
  let pollTimer = null;
  let failures = 0;

  const startPolling = () => {
    if (pollTimer === null) pollTimer = setInterval(poll, POLL_MS);
  };
  const stopPolling = () => {
    clearInterval(pollTimer);
    pollTimer = null;
  };

  async function connect() {
    const headers = { Accept: "text/event-stream" };
    if (lastId !== null) headers["Last-Event-ID"] = lastId;
    let res;
    try {
      res = await authFetch(EVENTS, { headers, cache: "no-store" });
    } catch {
      return retry();
    }
    const type = res.headers.get("Content-Type") || "";
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      onMode("polling"); // this gateway has no event stream: poll, and look again now and then
      startPolling();
      setTimeout(connect, RECHECK_MISSING_MS);
      return;
    }
    if (!res.ok || !type.includes("text/event-stream") || !res.body) return retry();
    failures = 0;
    stopPolling();
    onMode("stream");
    poll(); // whatever happened while the stream was down
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const { events, rest } = parseEvents(buffer);
        buffer = rest;
        for (const event of events) {
          if (event.id !== null) lastId = event.id;
          onEvent(event);
        }
      }
    } catch {
      /* dropped: retry below */
    }
    retry();
  }

  function retry() {
    onMode("offline");
    startPolling();
    const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
    failures += 1;
    setTimeout(connect, wait);
  }

  connect();
}
