import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fault injection shared by every provider emulator: latency, 5xx errors,
 * 429 throttling and dropped connections, switchable at runtime (from code or
 * through `PUT /_emulator/faults`) and reproducible when a seed is given.
 */

/** One fault that is applied to exactly one request, before any random fault. */
export type ScriptedFault =
  | { kind: 'error'; status?: number }
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'drop' }
  /** Handles the request, then drops the connection instead of answering. */
  | { kind: 'lose' }
  | { kind: 'delay'; ms: number }
  /**
   * Handles the request at once, then holds the answer back for `ms`: what the
   * client reads was true when it was computed, not when it arrives (a slow
   * response of a listing that changed meanwhile).
   */
  | { kind: 'late'; ms: number }
  /** Lets a request through untouched; useful to place a fault at position N. */
  | { kind: 'pass' };

export interface FaultSettings {
  /** Extra latency per request, uniformly drawn from [min, max] milliseconds. */
  latencyMs?: [number, number];
  /** Probability (0..1) of answering with a 5xx from `errorStatuses`. */
  errorRate?: number;
  /** Which 5xx statuses an injected error uses; drawn uniformly. Default [500, 502, 503]. */
  errorStatuses?: number[];
  /** Probability (0..1) of answering 429 with a Retry-After header. */
  throttleRate?: number;
  /** Retry-After value of injected 429s, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Probability (0..1) of destroying the socket without any answer. */
  dropRate?: number;
  /**
   * Probability (0..1) of handling the request and then destroying the socket
   * instead of answering: the change is made but the client never learns it
   * (a create whose answer is lost). Drawn from its own PRNG (seed + 1), so the
   * other faults' seeded sequences stay as they were.
   */
  lostResponseRate?: number;
  /** Seeds the PRNG so the same settings give the same sequence of faults. */
  seed?: number;
  /** Faults consumed one per request, in order, before the random ones apply. */
  script?: ScriptedFault[];
}

export interface FaultStats {
  requests: number;
  delayed: number;
  errors: number;
  throttled: number;
  dropped: number;
  /** Requests handled whose answer was then dropped. */
  lostResponses: number;
}

/** What an injected error looks like on the wire; each emulator speaks its provider's dialect. */
export interface FaultResponseBody {
  contentType: string;
  body: string;
}

export type FaultBodyRenderer = (status: number, message: string, request: FastifyRequest) => FaultResponseBody;

export interface FaultInstallOptions {
  /** Requests for which this returns true never get faults. `/_emulator/*` is always excluded. */
  exclude?: (url: string) => boolean;
  renderError?: FaultBodyRenderer;
}

/** The decision for one request; exposed so tests can check reproducibility without a server. */
export type FaultDecision =
  | { kind: 'pass'; delayMs: number }
  | { kind: 'error'; delayMs: number; status: number }
  | { kind: 'throttle'; delayMs: number; retryAfterSeconds: number }
  | { kind: 'drop'; delayMs: number }
  | { kind: 'lose'; delayMs: number }
  | { kind: 'late'; delayMs: number; holdMs: number };

const ADMIN_PREFIX = '/_emulator/';
const DEFAULT_ERROR_STATUSES = [500, 502, 503];
const REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** mulberry32: tiny, fast and good enough to make fault sequences reproducible. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validateFaultSettings(input: unknown): FaultSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new RangeError('fault settings must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const known = [
    'latencyMs',
    'errorRate',
    'errorStatuses',
    'throttleRate',
    'retryAfterSeconds',
    'dropRate',
    'lostResponseRate',
    'seed',
    'script',
  ];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new RangeError(`unknown fault setting '${key}'`);
  }
  const settings: FaultSettings = {};
  if (raw.latencyMs !== undefined) {
    const l = raw.latencyMs;
    if (!Array.isArray(l) || l.length !== 2 || !l.every((n) => typeof n === 'number' && n >= 0) || l[0] > l[1]) {
      throw new RangeError('latencyMs must be [min, max] with 0 <= min <= max');
    }
    settings.latencyMs = [l[0], l[1]];
  }
  for (const key of ['errorRate', 'throttleRate', 'dropRate', 'lostResponseRate'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${key} must be a number between 0 and 1`);
    settings[key] = v;
  }
  if (raw.errorStatuses !== undefined) {
    const s = raw.errorStatuses;
    if (!Array.isArray(s) || s.length === 0 || !s.every((n) => Number.isInteger(n) && n >= 500 && n <= 599)) {
      throw new RangeError('errorStatuses must be a non-empty list of 5xx statuses');
    }
    settings.errorStatuses = [...s];
  }
  if (raw.retryAfterSeconds !== undefined) {
    const v = raw.retryAfterSeconds;
    if (!Number.isInteger(v) || (v as number) < 0)
      throw new RangeError('retryAfterSeconds must be a non-negative integer');
    settings.retryAfterSeconds = v as number;
  }
  if (raw.seed !== undefined) {
    if (!Number.isInteger(raw.seed)) throw new RangeError('seed must be an integer');
    settings.seed = raw.seed as number;
  }
  if (raw.script !== undefined) {
    if (!Array.isArray(raw.script)) throw new RangeError('script must be a list of faults');
    settings.script = raw.script.map(validateScriptedFault);
  }
  return settings;
}

function validateScriptedFault(input: unknown): ScriptedFault {
  const f = (input ?? {}) as Record<string, unknown>;
  switch (f.kind) {
    case 'error':
      if (
        f.status !== undefined &&
        !(Number.isInteger(f.status) && (f.status as number) >= 500 && (f.status as number) <= 599)
      ) {
        throw new RangeError('a scripted error needs a 5xx status');
      }
      return { kind: 'error', status: f.status as number | undefined };
    case 'throttle':
      return { kind: 'throttle', retryAfterSeconds: f.retryAfterSeconds as number | undefined };
    case 'drop':
    case 'lose':
    case 'pass':
      return { kind: f.kind };
    case 'delay':
    case 'late':
      if (typeof f.ms !== 'number' || f.ms < 0) throw new RangeError(`a scripted ${f.kind} needs ms >= 0`);
      return { kind: f.kind, ms: f.ms };
    default:
      throw new RangeError(`unknown scripted fault kind '${String(f.kind)}'`);
  }
}

function emptyStats(): FaultStats {
  return { requests: 0, delayed: 0, errors: 0, throttled: 0, dropped: 0, lostResponses: 0 };
}

export class FaultInjector {
  private settings: FaultSettings = {};
  private random: () => number = Math.random;
  private lostRandom: () => number = Math.random;
  private script: ScriptedFault[] = [];
  private counters: FaultStats = emptyStats();

  constructor(settings: FaultSettings = {}) {
    this.set(settings);
  }

  /** Replaces all settings (and restarts the PRNG from `seed`). Throws RangeError on invalid input. */
  set(settings: FaultSettings): void {
    this.settings = validateFaultSettings(settings);
    this.random = this.settings.seed === undefined ? Math.random : createSeededRandom(this.settings.seed);
    this.lostRandom = this.settings.seed === undefined ? Math.random : createSeededRandom(this.settings.seed + 1);
    this.script = [...(this.settings.script ?? [])];
  }

  get(): FaultSettings {
    const { script: _initialScript, ...rest } = this.settings;
    return this.script.length > 0 ? { ...rest, script: [...this.script] } : rest;
  }

  clear(): void {
    this.set({});
  }

  /** Queues one-shot faults after whatever is already scripted. */
  enqueue(...faults: ScriptedFault[]): void {
    this.script.push(...faults.map(validateScriptedFault));
  }

  stats(): FaultStats {
    return { ...this.counters };
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  /**
   * Decides the fate of the next request. Every random draw happens whatever the
   * outcome so that a seeded sequence does not depend on which faults are enabled.
   */
  decide(): FaultDecision {
    const s = this.settings;
    const latencyDraw = this.random();
    const dropDraw = this.random();
    const throttleDraw = this.random();
    const errorDraw = this.random();
    const statusDraw = this.random();
    const lostDraw = this.lostRandom();

    const [min, max] = s.latencyMs ?? [0, 0];
    const delayMs = Math.round(min + (max - min) * latencyDraw);
    const statuses = s.errorStatuses ?? DEFAULT_ERROR_STATUSES;
    const retryAfterSeconds = s.retryAfterSeconds ?? 1;

    const scripted = this.script.shift();
    if (scripted) {
      switch (scripted.kind) {
        case 'pass':
          return { kind: 'pass', delayMs };
        case 'delay':
          return { kind: 'pass', delayMs: delayMs + scripted.ms };
        case 'late':
          return { kind: 'late', delayMs, holdMs: scripted.ms };
        case 'drop':
          return { kind: 'drop', delayMs };
        case 'lose':
          return { kind: 'lose', delayMs };
        case 'throttle':
          return { kind: 'throttle', delayMs, retryAfterSeconds: scripted.retryAfterSeconds ?? retryAfterSeconds };
        case 'error':
          return { kind: 'error', delayMs, status: scripted.status ?? statuses[0] };
      }
    }
    if (dropDraw < (s.dropRate ?? 0)) return { kind: 'drop', delayMs };
    if (throttleDraw < (s.throttleRate ?? 0)) return { kind: 'throttle', delayMs, retryAfterSeconds };
    if (errorDraw < (s.errorRate ?? 0)) {
      const status = statuses[Math.min(statuses.length - 1, Math.floor(statusDraw * statuses.length))];
      return { kind: 'error', delayMs, status };
    }
    if (lostDraw < (s.lostResponseRate ?? 0)) return { kind: 'lose', delayMs };
    return { kind: 'pass', delayMs };
  }

  /** Installs the `onRequest` hook; register it before any auth hook so faults hit unauthenticated calls too. */
  install(app: FastifyInstance, options: FaultInstallOptions = {}): void {
    const render = options.renderError ?? defaultFaultBody;
    const lostAnswers = new WeakSet<FastifyRequest>();
    const lateAnswers = new WeakMap<FastifyRequest, number>();
    // The handler has done its work; the answer never reaches the client, or reaches it late.
    app.addHook('onSend', async (request, reply, payload) => {
      const holdMs = lateAnswers.get(request);
      if (holdMs !== undefined) {
        lateAnswers.delete(request);
        await sleep(holdMs);
        return payload;
      }
      if (!lostAnswers.has(request)) return payload;
      lostAnswers.delete(request);
      this.counters.lostResponses++;
      reply.raw.destroy();
      request.raw.socket?.destroy();
      return payload;
    });
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url;
      if (url.startsWith(ADMIN_PREFIX) || url === '/_emulator' || options.exclude?.(url)) return;
      this.counters.requests++;
      const decision = this.decide();
      if (decision.delayMs > 0) {
        this.counters.delayed++;
        await sleep(decision.delayMs);
      }
      switch (decision.kind) {
        case 'pass':
          return;
        case 'lose':
          lostAnswers.add(request);
          return;
        case 'late':
          this.counters.delayed++;
          lateAnswers.set(request, decision.holdMs);
          return;
        case 'drop':
          this.counters.dropped++;
          // Hijack first so Fastify never tries to answer on the dead socket.
          reply.hijack();
          request.raw.socket.destroy();
          return;
        case 'throttle': {
          this.counters.throttled++;
          const { contentType, body } = render(429, 'Rate limit exceeded, retry later.', request);
          reply.code(429).header('Retry-After', String(decision.retryAfterSeconds)).type(contentType);
          return reply.send(body);
        }
        case 'error': {
          this.counters.errors++;
          const { contentType, body } = render(decision.status, 'Injected failure.', request);
          reply.code(decision.status).type(contentType);
          return reply.send(body);
        }
      }
    });
  }

  /** `PUT|GET|DELETE /_emulator/faults`, plus `GET /_emulator/faults/stats`. No auth, never faulted. */
  installAdminRoutes(app: FastifyInstance): void {
    app.get('/_emulator/faults', async () => this.get());
    app.get('/_emulator/faults/stats', async () => this.stats());
    app.put('/_emulator/faults', async (request, reply) => {
      try {
        this.set((request.body ?? {}) as FaultSettings);
      } catch (error) {
        return reply
          .code(400)
          .type('application/json')
          .send({ error: (error as Error).message });
      }
      return this.get();
    });
    app.delete('/_emulator/faults', async (_request, reply) => {
      this.clear();
      this.resetStats();
      return reply.code(204).send();
    });
  }
}

export function defaultFaultBody(status: number, message: string): FaultResponseBody {
  return {
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: status, title: REASONS[status] ?? 'Error', message } }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
