/**
 * JSON that keeps Dates: the IPC contract's payloads carry Date objects (Electron's structured
 * clone keeps them), so the test host's WebSocket transport tags them on the way out and revives
 * them on the way in.
 */
const DATE_TAG = '$date';

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key, current: unknown) {
    const original = this[key];
    return original instanceof Date ? { [DATE_TAG]: original.toISOString() } : current;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && DATE_TAG in value) {
      const keys = Object.keys(value);
      const iso = (value as Record<string, unknown>)[DATE_TAG];
      if (keys.length === 1 && typeof iso === 'string') return new Date(iso);
    }
    return value;
  });
}
