/**
 * `/__stand_in__/*`: the control routes the real server obviously lacks, so tests running in
 * another process can switch faults on and off. They are never subject to faults themselves.
 *
 *   GET    /__stand_in__/faults            → {rules}
 *   POST   /__stand_in__/faults            rule, or {rules:[...]}: add → 201 {rules}
 *   PUT    /__stand_in__/faults            rule, or {rules:[...]}: replace all → {rules}
 *   DELETE /__stand_in__/faults            remove all → {rules: []}
 *   DELETE /__stand_in__/faults/{id}       remove one → {rules}
 *   POST   /__stand_in__/down              {for_ms?: number|null}: go down now, come back after for_ms
 *                                          (default 2000; null = stay down until comeBack() in-process)
 *   POST   /__stand_in__/sockets/disconnect → {disconnected}
 *   POST   /__stand_in__/sockets/refuse    {refuse: boolean} → {refuse}
 *   GET    /__stand_in__/state             → counts of what the stand-in holds
 */
import { parseFaultRule, type FaultControl, type FaultRule } from '../faults';
import { HttpError, json, type RequestContext, type Router } from '../http';
import type { StandInState } from '../state';

async function readRules(ctx: RequestContext): Promise<FaultRule[]> {
  const body = await ctx.jsonBody();
  const list = typeof body === 'object' && body !== null && 'rules' in body ? body.rules : [body];
  if (!Array.isArray(list)) throw new HttpError(400, 'rules must be a list');
  return list.map((input) => {
    const rule = parseFaultRule(input);
    if (typeof rule === 'string') throw new HttpError(400, rule);
    return rule;
  });
}

export function registerControlRoutes(router: Router, state: StandInState, faults: FaultControl, socketCount: () => number): void {
  router.get('/__stand_in__/faults', () => json({ rules: faults.list() }));

  router.post('/__stand_in__/faults', async (ctx) => {
    for (const rule of await readRules(ctx)) faults.add(rule);
    return json({ rules: faults.list() }, 201);
  });

  router.put('/__stand_in__/faults', async (ctx) => {
    const rules = await readRules(ctx);
    faults.clear();
    for (const rule of rules) faults.add(rule);
    return json({ rules: faults.list() });
  });

  router.delete('/__stand_in__/faults', () => {
    faults.clear();
    return json({ rules: [] });
  });

  router.delete('/__stand_in__/faults/{id}', (ctx) => {
    faults.remove(Number(ctx.param('id')));
    return json({ rules: faults.list() });
  });

  router.post('/__stand_in__/down', async (ctx) => {
    const body = await ctx.jsonBody();
    const forMs = typeof body === 'object' && body !== null && 'for_ms' in body ? body.for_ms : 2000;
    if (forMs !== null && (typeof forMs !== 'number' || forMs < 0)) throw new HttpError(400, 'for_ms must be a number or null');
    // Answer first, then go down once the answer has left.
    setTimeout(() => {
      void faults.goDown().then(() => {
        if (typeof forMs === 'number') setTimeout(() => void faults.comeBack(), forMs);
      });
    }, 10);
    return json({ down: true, for_ms: forMs }, 202);
  });

  router.post('/__stand_in__/sockets/disconnect', () => {
    const n = socketCount();
    faults.disconnectSockets();
    return json({ disconnected: n });
  });

  router.post('/__stand_in__/sockets/refuse', async (ctx) => {
    const body = await ctx.jsonBody();
    const refuse = typeof body === 'object' && body !== null && (body as { refuse?: unknown }).refuse === true;
    faults.refuseSockets(refuse);
    return json({ refuse });
  });

  router.get('/__stand_in__/state', () =>
    json({
      images: state.gallery.imageCount,
      videos: state.gallery.videos.size,
      boards: state.gallery.boards.size,
      queue_items: state.queue.store.items.size,
      models: state.models.length,
      sockets: socketCount(),
    }),
  );
}
