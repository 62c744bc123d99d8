import './zod-config';
import { IvkError, eventContract, invokeContract, type EventName, type IpcEnvelope, type IvkBridge } from '../../shared/ipc';
import { decodeWire, encodeWire } from '../../shared/wire-json';

/**
 * `window.ivk` for a plain browser pointed at the test host (test/host): the same contract,
 * carried over a WebSocket to the real main-process services. Loaded only when no preload has
 * defined `window.ivk`, so it never ships into the Electron window's code path.
 */
type ServerMessage = { type: 'result'; id: number; envelope: IpcEnvelope<unknown> } | { type: 'event'; name: EventName; payload: unknown };

function connect(): Promise<WebSocket> {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ivk`);
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the test host')), { once: true });
  });
}

const socket = await connect();
let nextId = 1;
const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
const listeners = new Map<EventName, Set<(payload: never) => void>>();

socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = decodeWire(message.data) as ServerMessage;
  if (data.type === 'result') {
    const call = pending.get(data.id);
    pending.delete(data.id);
    if (!call) return;
    if (data.envelope.ok) call.resolve(data.envelope.value as never);
    else call.reject(new IvkError(data.envelope.error.code, data.envelope.error.message));
  } else {
    listeners.get(data.name)?.forEach((listener) => listener(data.payload as never));
  }
});
socket.addEventListener('close', () => {
  for (const call of pending.values()) call.reject(new IvkError('unreachable', 'The connection to the test host closed.'));
  pending.clear();
});

const bridge: IvkBridge = {
  invoke(channel, input) {
    if (!Object.hasOwn(invokeContract, channel))
      return Promise.reject(new IvkError('unknown_channel', `Unknown channel "${String(channel)}"`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(encodeWire({ type: 'invoke', id, channel, input }));
    });
  },
  on(event, listener) {
    if (!Object.hasOwn(eventContract, event)) throw new IvkError('unknown_channel', `Unknown event "${String(event)}"`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  },
  async pathsForFiles(files) {
    // A browser hides real paths, so the host stages each file's bytes and answers with a path.
    const paths: string[] = [];
    for (const file of files) {
      const response = await fetch(`/stage?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
      if (!response.ok) throw new IvkError('internal', `Could not hand ${file.name} to the app: ${await response.text()}`);
      paths.push(((await response.json()) as { path: string }).path);
    }
    return paths;
  },
};

Object.defineProperty(window, 'ivk', { value: bridge, configurable: false, writable: false });
