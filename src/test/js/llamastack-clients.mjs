// Drives a LlamaStack distribution (Stackwatch in front of the simulator) with the real npm clients, and prints one
// JSON report on stdout: every call with the route template it hit and the HTTP status the client got, the usage
// the clients saw on each generation, and the client-side time to first token of a streamed response.
//   node llamastack-clients.mjs http://127.0.0.1:PORT sim-chat sim-embed
import LlamaStackClient, { toFile } from 'llama-stack-client';
import OpenAI from 'openai';

const [base, chatModel, embedModel] = process.argv.slice(2);
// No retries: each call must reach the server exactly once, so counts can be compared exactly.
const stack = new LlamaStackClient({ baseURL: base, maxRetries: 0, timeout: 30000 });
const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30000 });

const calls = [];
const usage = { input: 0, output: 0 };
const report = { calls, usage, responses: 0, ttftSeconds: null, streamedUsage: null };

async function call(method, route, fn) {
  try {
    const { data, response } = await fn().withResponse();
    calls.push({ method, route, status: response.status });
    return data;
  } catch (e) {
    if (e && typeof e.status === 'number') {
      calls.push({ method, route, status: e.status });
      return null;
    }
    throw e;
  }
}

function counted(u, input, output) {
  usage.input += u[input];
  usage.output += u[output];
}

// Inspection and models (served by Stackwatch itself).
await call('GET', '/v1/health', () => stack.inspect.health());
await call('GET', '/v1/version', () => stack.inspect.version());
await call('GET', '/v1/models', () => stack.models.list());
await call('GET', '/v1/providers', () => stack.providers.list());

// Responses: whole through llama-stack-client, streamed through openai.
const whole = await call('POST', '/v1/responses',
  () => stack.responses.create({ model: chatModel, input: 'Say something about vector stores.' }));
counted(whole.usage, 'input_tokens', 'output_tokens');
report.responses++;
await call('GET', '/v1/responses/{response_id}', () => stack.responses.retrieve(whole.id));
await call('GET', '/v1/responses', () => stack.responses.list());

const started = performance.now();
const stream = await call('POST', '/v1/responses',
  () => openai.responses.create({ model: chatModel, input: [{ role: 'user', content: 'Stream a story.' }], stream: true }));
let deltas = 0;
for await (const event of stream) {
  if (event.type === 'response.output_text.delta' && deltas++ === 0) {
    report.ttftSeconds = (performance.now() - started) / 1000;
  }
  if (event.type === 'response.completed') {
    counted(event.response.usage, 'input_tokens', 'output_tokens');
    report.streamedUsage = event.response.usage;
  }
}
report.streamedDeltas = deltas;
report.responses++;

// Chat and embeddings through openai (served by Stackwatch, generated upstream).
const chat = await call('POST', '/v1/chat/completions',
  () => openai.chat.completions.create({ model: chatModel, messages: [{ role: 'user', content: 'hi' }] }));
counted(chat.usage, 'prompt_tokens', 'completion_tokens');
await call('POST', '/v1/embeddings', () => openai.embeddings.create({ model: embedModel, input: 'hello' }));
// Stackwatch serves POST on this path itself; the distribution's GET (stored completions) is relayed.
await call('GET', '/v1/chat/completions', () => stack.chat.completions.list());

// Files: a multipart upload, then list, metadata, download.
const upload = await toFile(Buffer.from('Stackwatch measures every route.\nVector stores hold chunks.\n'), 'notes.txt');
const file = await call('POST', '/v1/files', () => stack.files.create({ file: upload, purpose: 'assistants' }));
await call('GET', '/v1/files', () => stack.files.list());
await call('GET', '/v1/files/{file_id}', () => stack.files.retrieve(file.id));
await call('GET', '/v1/files/{file_id}/content', () => stack.files.content(file.id));
await call('GET', '/v1/files/{file_id}', () => stack.files.retrieve('file-does-not-exist'));

// Vector stores, with the file attached and searched.
const store = await call('POST', '/v1/vector_stores', () => stack.vectorStores.create({ name: 'docs' }));
await call('POST', '/v1/vector_stores/{vector_store_id}/files',
  () => stack.vectorStores.files.create(store.id, { file_id: file.id }));
await call('GET', '/v1/vector_stores/{vector_store_id}/files', () => stack.vectorStores.files.list(store.id));
const hits = await call('POST', '/v1/vector_stores/{vector_store_id}/search',
  () => stack.vectorStores.search(store.id, { query: 'vector chunks' }));
report.searchHits = hits.data.length;
await call('GET', '/v1/vector_stores', () => stack.vectorStores.list());
await call('GET', '/v1/vector_stores/{vector_store_id}', () => stack.vectorStores.retrieve(store.id));

// Conversations and their items.
const conversation = await call('POST', '/v1/conversations', () => stack.conversations.create({ metadata: { topic: 'demo' } }));
const added = await call('POST', '/v1/conversations/{conversation_id}/items', () => stack.conversations.items.create(
  conversation.id, { items: [{ type: 'message', role: 'user', content: 'hello' }] }));
await call('GET', '/v1/conversations/{conversation_id}/items', () => stack.conversations.items.list(conversation.id));
await call('GET', '/v1/conversations/{conversation_id}/items/{item_id}',
  () => stack.conversations.items.get(conversation.id, added.data[0].id));
await call('GET', '/v1/conversations/{conversation_id}', () => stack.conversations.retrieve(conversation.id));
await call('DELETE', '/v1/conversations/{conversation_id}', () => stack.conversations.delete(conversation.id));

// Prompts, shields, safety, moderations.
const prompt = await call('POST', '/v1/prompts', () => stack.prompts.create({ prompt: 'Hello {{ name }}', variables: ['name'] }));
await call('GET', '/v1/prompts/{prompt_id}', () => stack.prompts.retrieve(prompt.prompt_id));
await call('POST', '/v1/shields', () => stack.shields.register({ shield_id: 'guard' }));
await call('GET', '/v1/shields', () => stack.shields.list());
await call('POST', '/v1/safety/run-shield',
  () => stack.safety.runShield({ shield_id: 'guard', messages: [{ role: 'user', content: 'hi' }] }));
await call('POST', '/v1/moderations', () => stack.moderations.create({ input: 'hello' }));

// /v1alpha: admin and benchmarks; /v1beta: datasets.
await call('GET', '/v1alpha/admin/health', () => stack.alpha.admin.health());
await call('GET', '/v1alpha/admin/version', () => stack.alpha.admin.version());
await call('POST', '/v1beta/datasets', () => stack.beta.datasets.register({
  purpose: 'eval/messages-answer', dataset_id: 'qa', source: { type: 'rows', rows: [{ question: 'q', answer: 'a' }] },
}));
await call('GET', '/v1beta/datasets', () => stack.beta.datasets.list());
await call('GET', '/v1beta/datasetio/iterrows/{dataset_id}', () => stack.beta.datasets.iterrows('qa'));
await call('POST', '/v1alpha/eval/benchmarks', () => stack.alpha.benchmarks.register({
  benchmark_id: 'bench', dataset_id: 'qa', scoring_functions: ['basic::equality'],
}));
await call('GET', '/v1alpha/eval/benchmarks', () => stack.alpha.benchmarks.list());
await call('GET', '/v1alpha/eval/benchmarks/{benchmark_id}', () => stack.alpha.benchmarks.retrieve('bench'));

// Clean-up calls count too.
await call('DELETE', '/v1/vector_stores/{vector_store_id}', () => stack.vectorStores.delete(store.id));
await call('DELETE', '/v1/files/{file_id}', () => stack.files.delete(file.id));

// A path outside the API: labelled other, never by its raw path.
const stray = await fetch(`${base}/v1/no-such-family/abc123`);
calls.push({ method: 'GET', route: 'other', status: stray.status });

console.log(JSON.stringify(report));
