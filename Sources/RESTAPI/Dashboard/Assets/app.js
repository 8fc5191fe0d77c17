// The dashboard page: one GraphQL query for the first picture, then the patternStatus
// subscription over WebSocket (graphql-transport-ws) keeps it live. No framework, no build step.
"use strict";

// Tests compare this after a fault to prove the page changed without a reload.
window.pgLoadedAt = Date.now();

const KEY_STORE = "patterngateway.apiKey";
const MODEL_FIELDS = "name pattern health breaker queueDepth tokensPerSecond cacheHitRatio avgResponseTimeMs requests";
const STATUS_QUERY = `{ patternStatus { models { ${MODEL_FIELDS} } } }`;
const STATUS_SUBSCRIPTION = `subscription Dashboard { patternStatus { models { ${MODEL_FIELDS} } } }`;
const EMBED_MUTATION = `mutation TryEmbed($model: String!, $text: String!) {
  embed(model: $model, text: $text, urgent: true) {
    __typename
    ... on Embedding { embedding processingTimeMs cached }
    ... on QueuedJob { batchId }
  }
}`;
const CHAT_SUBSCRIPTION = `subscription TryChat($model: String!, $messages: [ChatMessageInput!]) {
  generate(model: $model, messages: $messages, urgent: true, maxTokens: 64) { text finishReason usage { completionTokens } }
}`;

const $ = (id) => document.getElementById(id);

function apiKey() {
  return localStorage.getItem(KEY_STORE) || "";
}

// ---------------------------------------------------------------- the key prompt

function askForKey() {
  $("key-form").hidden = false;
  $("key-input").focus();
}

$("key-button").addEventListener("click", askForKey);
$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("key-input").value.trim();
  if (key) localStorage.setItem(KEY_STORE, key); else localStorage.removeItem(KEY_STORE);
  $("key-form").hidden = true;
  loadStatus();
  socket.restart();
});

// ---------------------------------------------------------------- GraphQL over HTTP

async function graphql(query, variables) {
  const headers = { "Content-Type": "application/json", "Accept": "application/graphql-response+json" };
  const key = apiKey();
  if (key) headers["Authorization"] = `Bearer ${key}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  if (response.status === 401 || response.status === 403) {
    // A refusal of a key the user has replaced meanwhile asks for nothing.
    if (apiKey() === key) askForKey();
    throw new Error(`HTTP ${response.status}: this needs an API key with the right role`);
  }
  const result = await response.json();
  if (result.errors && result.errors.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data;
}

// ---------------------------------------------------------------- the models table

const rows = new Map();

// Red when the model cannot serve: its upstream is down or its breaker open.
function stateOf(model) {
  if (model.health === "DOWN" || model.breaker === "OPEN") return "down";
  if (model.health === "DEGRADED" || model.breaker === "HALF_OPEN") return "degraded";
  return "up";
}

const number = (value, digits) => Number(value).toFixed(digits);

function cellsOf(model) {
  return {
    name: model.name,
    pattern: model.pattern.toLowerCase(),
    state: stateOf(model),
    breaker: model.breaker.toLowerCase().replace("_", "-"),
    queue: String(model.queueDepth),
    tokens: number(model.tokensPerSecond, 1),
    cache: `${number(model.cacheHitRatio * 100, 0)} %`,
    latency: `${number(model.avgResponseTimeMs, 1)} ms`,
    requests: String(model.requests),
  };
}

function rowFor(name) {
  let row = rows.get(name);
  if (row) return row;
  row = document.createElement("tr");
  row.dataset.model = name;
  for (const field of ["name", "pattern", "state", "breaker", "queue", "tokens", "cache", "latency", "requests"]) {
    const cell = document.createElement("td");
    cell.dataset.field = field;
    if (!["name", "pattern", "state", "breaker"].includes(field)) cell.className = "num";
    row.appendChild(cell);
  }
  $("models").tBodies[0].appendChild(row);
  rows.set(name, row);
  return row;
}

function render(models) {
  for (const model of models) {
    const row = rowFor(model.name);
    const cells = cellsOf(model);
    row.className = `model state-${cells.state}`;
    for (const cell of row.cells) {
      const text = cells[cell.dataset.field];
      if (cell.textContent !== text) cell.textContent = text;
    }
  }
  $("models-error").hidden = true;
  $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  fillModelPicker(models);
}

function showStatusError(error) {
  $("models-error").textContent = error.message;
  $("models-error").hidden = false;
}

function fillModelPicker(models) {
  const picker = $("try-model");
  if (picker.options.length) return;
  for (const model of models) {
    if (model.pattern === "BULK_ONLY") continue;
    picker.add(new Option(`${model.name} (${model.pattern.toLowerCase().replace("_", "-")})`, model.name));
  }
}

async function loadStatus() {
  try {
    render((await graphql(STATUS_QUERY)).patternStatus.models);
  } catch (error) {
    showStatusError(error);
  }
}

// ---------------------------------------------------------------- GraphQL over WebSocket

// One graphql-transport-ws connection for the status and the try-it chat. It reconnects with
// capped exponential backoff and subscribes again to what should outlive a drop.
class GraphQLSocket {
  constructor() {
    this.nextID = 1;
    this.operations = new Map();  // id → { payload, sink, lasting }
    this.backoff = 500;
    this.open();
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.ws = new WebSocket(`${scheme}//${location.host}/graphql`, "graphql-transport-ws");
    this.acknowledged = false;
    setConnection("connecting");
    const key = apiKey();
    this.ws.onopen = () => {
      this.send({ type: "connection_init", payload: key ? { authorization: `Bearer ${key}` } : {} });
    };
    this.ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    this.ws.onclose = (event) => this.closed(event, key);
  }

  send(message) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  receive(message) {
    const operation = this.operations.get(message.id);
    switch (message.type) {
      case "connection_ack":
        this.acknowledged = true;
        this.backoff = 500;
        setConnection("live");
        for (const [id, op] of this.operations) this.send({ id, type: "subscribe", payload: op.payload });
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "next":
        if (operation) operation.sink.next(message.payload);
        break;
      case "error":
        if (operation) this.finish(message.id, () => operation.sink.error(message.payload));
        break;
      case "complete":
        if (operation) this.finish(message.id, () => operation.sink.complete());
        break;
    }
  }

  finish(id, report) {
    const operation = this.operations.get(id);
    if (!operation.lasting) this.operations.delete(id);
    report();
  }

  closed(event, key) {
    setConnection("offline");
    if ((event.code === 4403 || event.code === 4401) && apiKey() === key) askForKey();
    // A one-off operation (a chat) cannot be resumed: it ends with the connection.
    for (const [id, op] of this.operations) {
      if (!op.lasting) {
        this.operations.delete(id);
        op.sink.error([{ message: `connection closed (${event.code})` }]);
      }
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 15000);
  }

  // With a new key: at once, rather than after the backoff the refusals built up.
  restart() {
    this.backoff = 500;
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.close();
      return;
    }
    clearTimeout(this.timer);
    this.open();
  }

  subscribe(query, variables, sink, lasting = false) {
    const id = String(this.nextID++);
    const payload = { query, variables };
    this.operations.set(id, { payload, sink, lasting });
    if (this.acknowledged) this.send({ id, type: "subscribe", payload });
    return id;
  }
}

function setConnection(state) {
  const pill = $("connection");
  pill.textContent = state;
  pill.className = `pill ${state}`;
}

// ---------------------------------------------------------------- try it

function chatModel() {
  return $("try-model").value;
}

$("embed-button").addEventListener("click", async () => {
  const output = $("embed-output");
  output.className = "output muted";
  output.textContent = "embedding…";
  const started = performance.now();
  try {
    const answer = (await graphql(EMBED_MUTATION, { model: chatModel(), text: $("try-text").value })).embed;
    const took = performance.now() - started;
    output.className = "output";
    if (answer.__typename === "QueuedJob") {
      output.textContent = `queued as ${answer.batchId}`;
      return;
    }
    const vector = answer.embedding;
    const head = vector.slice(0, 5).map((x) => x.toFixed(4)).join(", ");
    output.innerHTML = "";
    output.append(
      line("dims", String(vector.length)),
      line("first values", `[${head}, …]`),
      line("latency", `${took.toFixed(1)} ms in the browser, ${answer.processingTimeMs.toFixed(1)} ms in the gateway${answer.cached ? " (cached)" : ""}`),
    );
    output.dataset.dims = String(vector.length);
  } catch (error) {
    output.className = "output error";
    output.textContent = error.message;
  }
});

function line(label, value) {
  const row = document.createElement("div");
  const name = document.createElement("span");
  name.className = "label";
  name.textContent = label;
  const text = document.createElement("span");
  text.className = "value";
  text.textContent = value;
  row.append(name, text);
  return row;
}

$("chat-button").addEventListener("click", () => {
  const output = $("chat-output");
  const stats = $("chat-stats");
  const button = $("chat-button");
  output.textContent = "";
  output.className = "output streaming";
  button.disabled = true;
  const started = performance.now();
  let chunks = 0;
  let firstToken = null;
  const done = (text) => {
    button.disabled = false;
    output.classList.remove("streaming");
    stats.textContent = text;
  };
  socket.subscribe(CHAT_SUBSCRIPTION, { model: chatModel(), messages: [{ role: "user", content: $("try-text").value }] }, {
    next(result) {
      if (result.errors) {
        output.classList.add("error");
        output.textContent += result.errors.map((e) => e.message).join("; ");
        return;
      }
      const chunk = result.data.generate;
      if (firstToken === null) firstToken = performance.now() - started;
      chunks += 1;
      output.textContent += chunk.text;
      output.dataset.chunks = String(chunks);
      stats.textContent = `${chunks} chunks, first after ${firstToken.toFixed(0)} ms`;
    },
    error(errors) {
      output.classList.add("error");
      output.textContent += errors.map((e) => e.message).join("; ");
      done("failed");
    },
    complete() {
      const seconds = (performance.now() - started) / 1000;
      done(`${chunks} chunks in ${seconds.toFixed(2)} s, first after ${(firstToken ?? 0).toFixed(0)} ms`);
    },
  });
});

// ---------------------------------------------------------------- start

const socket = new GraphQLSocket();
socket.subscribe(STATUS_SUBSCRIPTION, {}, {
  next(result) {
    if (result.data) render(result.data.patternStatus.models);
    if (result.errors) showStatusError(new Error(result.errors.map((e) => e.message).join("; ")));
  },
  error(errors) { showStatusError(new Error(errors.map((e) => e.message).join("; "))); },
  complete() {},
}, true);
loadStatus();
