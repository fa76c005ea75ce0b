// A real Gemini client: Google's `@google/genai` SDK talks to the relay's Gemini face, which talks
// to a scripted chat-completions-only gateway and an Anthropic-only one, over real sockets on
// 127.0.0.1. Streaming (the SDK always asks for alt=sse), function calls and their responses,
// usage, token counts, the model list and errors as the SDK parses them.
//
// The SDK is not a dependency of this project: it comes with the agent CLIs the e2e suite installs
// into .cache/agents (test/agents/install.mjs). Without that cache the tests are skipped, saying so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RunningRelay } from '../../src/relay/index.js';
import { agentsCacheDir } from '../agents/paths.js';
import { startScriptedUpstream, toolThenAnswer, type ScriptedReply, type ScriptedRequest, type ScriptedUpstream } from '../support/scripted-upstream.js';

const SDK_ENTRY = join(agentsCacheDir, 'node_modules', '@google', 'genai', 'dist', 'node', 'index.mjs');
const haveSdk = existsSync(SDK_ENTRY);
if (!haveSdk) console.warn(`@google/genai SDK tests skipped: ${SDK_ENTRY} is missing (run node test/agents/install.mjs).`);

const KEY = 'sk-gateway-genai-test-4321';

/* The SDK's surface used here, typed loosely: it is loaded from the agents' cache at run time. */
interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
}
interface Content {
  role?: string;
  parts?: Part[];
}
interface GenResponse {
  text?: string;
  functionCalls?: Array<{ id?: string; name?: string; args?: Record<string, unknown> }>;
  candidates?: Array<{ content?: Content; finishReason?: string }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
}
interface GenAI {
  models: {
    generateContent(p: Record<string, unknown>): Promise<GenResponse>;
    generateContentStream(p: Record<string, unknown>): Promise<AsyncIterable<GenResponse>>;
    countTokens(p: Record<string, unknown>): Promise<{ totalTokens?: number }>;
    list(): Promise<AsyncIterable<{ name?: string }>>;
  };
}
type GenAICtor = new (o: { apiKey: string; httpOptions: { baseUrl: string } }) => GenAI;

let GoogleGenAI: GenAICtor;
let chatOnly: ScriptedUpstream;
let anthropicOnly: ScriptedUpstream;
let toChat: RunningRelay;
let toAnthropic: RunningRelay;
let nextReply: ((req: ScriptedRequest) => ScriptedReply) | undefined;

const script = (req: ScriptedRequest): ScriptedReply => {
  if (nextReply) {
    const r = nextReply(req);
    nextReply = undefined;
    return r;
  }
  return toolThenAnswer('get_weather', { city: 'Zürich' }, (result) => `It is ${result} in Zürich.`)(req);
};

const tools = [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }];

describe.skipIf(!haveSdk)('@google/genai SDK -> relay (Gemini face)', () => {
  beforeAll(async () => {
    ({ GoogleGenAI } = (await import(pathToFileURL(SDK_ENTRY).href)) as { GoogleGenAI: GenAICtor });
    chatOnly = await startScriptedUpstream({ protocol: 'chat', script, requireKey: KEY, models: ['gw-model'] });
    anthropicOnly = await startScriptedUpstream({ protocol: 'anthropic', script, requireKey: KEY });
    toChat = await startRelay({ upstream: chatOnly.url, key: KEY, port: 0 });
    toAnthropic = await startRelay({ upstream: anthropicOnly.url, key: KEY, port: 0, models: { 'gemini-*': 'claude-sonnet-4-5' } });
  });
  afterAll(async () => {
    await Promise.all([toChat?.close(), toAnthropic?.close()]);
    await Promise.all([chatOnly?.close(), anthropicOnly?.close()]);
  });

  const client = (relay: RunningRelay) => new GoogleGenAI({ apiKey: 'local-anything', httpOptions: { baseUrl: relay.url } });

  for (const [name, relay, gateway] of [
    ['chat-completions-only gateway', () => toChat, () => chatOnly],
    ['Anthropic-only gateway', () => toAnthropic, () => anthropicOnly],
  ] as const) {
    it(`${name}: streams a function call, then the answer to its functionResponse`, async () => {
      const contents: Content[] = [{ role: 'user', parts: [{ text: 'Weather in Zürich?' }] }];
      const seen: Part[] = [];
      let last: GenResponse | undefined;
      for await (const chunk of await client(relay()).models.generateContentStream({ model: 'gemini-2.5-pro', contents, config: { tools } })) {
        seen.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
        last = chunk;
      }
      expect(seen.map((p) => p.text ?? '').join('')).toBe('Let me check.');
      const fc = seen.find((p) => p.functionCall)?.functionCall;
      expect(fc).toMatchObject({ name: 'get_weather', args: { city: 'Zürich' } });
      expect(fc?.id).toBeTruthy();
      expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
      expect(last?.usageMetadata).toMatchObject({ promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 });
      const sent = gateway().inference().at(-1);
      expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(JSON.stringify(sent?.headers)).not.toContain('local-anything');

      contents.push({ role: 'model', parts: seen }, { role: 'user', parts: [{ functionResponse: { id: fc?.id, name: 'get_weather', response: { output: '19 °C' } } }] });
      const second = await client(relay()).models.generateContent({ model: 'gemini-2.5-pro', contents, config: { tools } });
      expect(second.text).toBe('It is 19 °C in Zürich.');
      expect(gateway().inference().at(-1)?.toolResults.at(-1)).toBe('19 °C');
    });
  }

  it('non-streaming function calls, token counts and the model list', async () => {
    const r = await client(toChat).models.generateContent({ model: 'gemini-2.5-pro', contents: 'Weather?', config: { tools } });
    expect(r.functionCalls?.[0]).toMatchObject({ name: 'get_weather', args: { city: 'Zürich' } });
    const count = await client(toChat).models.countTokens({ model: 'gemini-2.5-pro', contents: 'Hello there, how are you?' });
    expect(count.totalTokens).toBeGreaterThan(0);
    const names: Array<string | undefined> = [];
    for await (const m of await client(toChat).models.list()) names.push(m.name);
    expect(names).toEqual(['models/gw-model']);
  });

  it('an upstream error reaches the SDK as an ApiError with its status and message', async () => {
    nextReply = () => ({ status: 429, text: 'slow down' });
    const error = (await client(toChat)
      .models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' })
      .catch((e: unknown) => e)) as { status?: number; message?: string };
    expect(error.status).toBe(429);
    expect(String(error.message)).toContain('slow down');
    const refused = (await client(toChat)
      .models.generateContent({ model: 'gemini-2.5-pro', contents: 'x', config: { candidateCount: 3 } })
      .catch((e: unknown) => e)) as { status?: number; message?: string };
    expect(refused.status).toBe(400);
    expect(String(refused.message)).toContain('candidateCount');
  });
});
