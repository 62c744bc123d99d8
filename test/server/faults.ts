/**
 * Faults on demand. Rules are matched by path prefix; the first matching rule that fires decides
 * what happens to a request. Random rates use their own seeded stream so a test run is repeatable.
 * Driven in-process (`standIn.faults`) or over HTTP (`/__stand_in__/faults`, see control.ts).
 */
import { Rng } from './data/random';

export interface FaultRule {
  /** Only requests whose path starts with this (default: every API path). */
  pathPrefix?: string;
  /** Milliseconds to wait before answering. */
  latencyMs?: number;
  /** Chance (0..1) to answer a 5xx instead of the real answer. */
  errorRate?: number;
  /** The status of those answers (default 500, body "Internal Server Error" as Starlette sends). */
  errorStatus?: number;
  /** Chance (0..1) to send the headers and part of the body, then destroy the connection. */
  dropRate?: number;
  /** How much of the body is sent before a drop (0..1 of its length, default 0.5). */
  dropAfterFraction?: number;
  /** Chance (0..1) that a JSON answer comes back truncated (unparseable). */
  malformedRate?: number;
  /** The rule stops firing after this many hits (default: never). */
  times?: number;
}

export interface FaultState extends FaultRule {
  id: number;
  hits: number;
}

/** What the server should do to one request. */
export interface FaultDecision {
  latencyMs: number;
  error: number | null;
  dropAfterFraction: number | null;
  malformed: boolean;
}

export interface FaultControl {
  /** Replaces every rule with this one (or none). */
  set(rule: FaultRule | null): FaultState | null;
  /** Adds a rule; returns it with its id. */
  add(rule: FaultRule): FaultState;
  remove(id: number): void;
  clear(): void;
  list(): FaultState[];
  /** Stop accepting connections and drop every open one, HTTP and sockets. */
  goDown(): Promise<void>;
  /** Listen again on the same port. */
  comeBack(): Promise<void>;
  readonly isDown: boolean;
  /** Server-side disconnect of every Socket.IO client (they may reconnect). */
  disconnectSockets(): void;
  /** Refuse new Socket.IO connections (`connect_error`) until set back to false. */
  refuseSockets(refuse: boolean): void;
}

const KNOWN_KEYS = new Set([
  'pathPrefix',
  'latencyMs',
  'errorRate',
  'errorStatus',
  'dropRate',
  'dropAfterFraction',
  'malformedRate',
  'times',
]);

/** Checks a rule from an HTTP body; returns an error message or the rule. */
export function parseFaultRule(input: unknown): FaultRule | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'a fault rule must be a JSON object';
  const rule = input as Record<string, unknown>;
  for (const key of Object.keys(rule)) if (!KNOWN_KEYS.has(key)) return `unknown fault field '${key}'`;
  if (rule.pathPrefix !== undefined && typeof rule.pathPrefix !== 'string') return 'pathPrefix must be a string';
  for (const key of ['latencyMs', 'errorStatus', 'times']) {
    const v = rule[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) return `${key} must be a non-negative integer`;
  }
  for (const key of ['errorRate', 'dropRate', 'dropAfterFraction', 'malformedRate']) {
    const v = rule[key];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) return `${key} must be a number from 0 to 1`;
  }
  if (rule.errorStatus !== undefined && ((rule.errorStatus as number) < 500 || (rule.errorStatus as number) > 599))
    return 'errorStatus must be a 5xx status';
  return rule;
}

export class FaultRules {
  private rules: FaultState[] = [];
  private nextId = 1;
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = Rng.stream(seed, 'faults');
  }

  add(rule: FaultRule): FaultState {
    const state: FaultState = { ...rule, id: this.nextId++, hits: 0 };
    this.rules.push(state);
    return state;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultState[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Decides the faults for one request; each matching rule adds its effects. */
  decide(path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, error: null, dropAfterFraction: null, malformed: false };
    for (const rule of this.rules) {
      if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      let fired = false;
      if (rule.latencyMs) {
        decision.latencyMs += rule.latencyMs;
        fired = true;
      }
      if (rule.errorRate && decision.error === null && this.rng.next() < rule.errorRate) {
        decision.error = rule.errorStatus ?? 500;
        fired = true;
      }
      if (rule.dropRate && decision.dropAfterFraction === null && this.rng.next() < rule.dropRate) {
        decision.dropAfterFraction = rule.dropAfterFraction ?? 0.5;
        fired = true;
      }
      if (rule.malformedRate && !decision.malformed && this.rng.next() < rule.malformedRate) {
        decision.malformed = true;
        fired = true;
      }
      if (fired) rule.hits++;
    }
    return decision;
  }
}
