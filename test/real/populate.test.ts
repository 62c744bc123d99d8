import { describe, expect, it } from 'vitest';
import { populatePlan, CATEGORIES } from './populate';

/**
 * The real server that `npm run test:real` populated holds what `populatePlan` says: the suite
 * app tests can rely on (contract tests clean up after themselves, so these counts stay exact).
 */
const url = process.env.CONTRACT_BASE_URL;
const plan = populatePlan();

async function get(path: string): Promise<any> {
  const res = await fetch(`${url}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

describe.skipIf(process.env.CONTRACT_SERVER !== 'real' || !url)('the populated real server', () => {
  it('has the planned boards, one of them archived, with their image and asset counts', async () => {
    const boards: any[] = await get('/api/v1/boards/?all=true&include_archived=true');
    const planned = new Map(plan.boards.map((b) => [b.board_name, b]));
    const ours = boards.filter((b) => planned.has(b.board_name));
    expect(ours).toHaveLength(plan.boards.length);
    const visible = plan.images.filter((i) => !i.is_intermediate);
    for (const board of ours) {
      const seed = planned.get(board.board_name)!;
      const on = visible.filter((i) => i.board_id === seed.board_id);
      const outputs = plan.jobs.filter((j) => j.kind === 'completed' && j.board_id === seed.board_id).length;
      expect(board.archived, board.board_name).toBe(seed.archived);
      expect(board.image_count, board.board_name).toBe(on.filter((i) => i.image_category === 'general').length + outputs);
      expect(board.asset_count, board.board_name).toBe(on.filter((i) => i.image_category !== 'general').length);
    }
    expect(ours.filter((b) => b.archived)).toHaveLength(1);
  });

  it('has uploads in every category both on boards and in Uncategorized, stars and an intermediate', async () => {
    for (const category of CATEGORIES) {
      const onBoards = plan.images.filter((i) => !i.is_intermediate && i.image_category === category && i.board_id).length;
      const loose = plan.images.filter((i) => !i.is_intermediate && i.image_category === category && !i.board_id).length;
      expect(onBoards, category).toBeGreaterThan(0);
      expect(loose, category).toBeGreaterThan(0);
      // Uploads only: a job another suite ran may leave its output in Uncategorized before this file runs.
      const none = await get(`/api/v1/images/?board_id=none&categories=${category}&is_intermediate=false&image_origin=external&limit=0`);
      expect(none.total, category).toBe(loose);
    }
    const names = await get('/api/v1/images/names?is_intermediate=false&image_origin=external');
    expect(names.starred_count).toBe(plan.images.filter((i) => i.starred).length);
    expect(names.starred_count).toBeGreaterThanOrEqual(5);
    expect(await get('/api/v1/images/intermediates')).toBeGreaterThanOrEqual(1);
  });

  it('keeps each upload metadata as the generator wrote it', async () => {
    const withMeta = plan.images.filter((i) => i.metadata && !i.is_intermediate).slice(-5);
    for (const image of withMeta) {
      const found = await get(`/api/v1/images/names?search_term=${encodeURIComponent(String(image.metadata!.seed))}`);
      const metas = await Promise.all(found.image_names.map((n: string) => get(`/api/v1/images/i/${n}/metadata`)));
      expect(metas).toContainEqual(image.metadata);
    }
  });

  it('has queue history: completed jobs with images on boards, failed and canceled jobs', async () => {
    const status = (await get('/api/v1/queue/default/status')).queue;
    const planned = (kind: string) => plan.jobs.filter((j) => j.kind === kind).length;
    expect(status.completed).toBeGreaterThanOrEqual(planned('completed'));
    expect(status.failed).toBeGreaterThanOrEqual(planned('failed'));
    expect(status.canceled).toBeGreaterThanOrEqual(planned('canceled'));
    // Each planned output on its planned board, from its session. Counted per board, not across the
    // gallery: other suites' jobs may have left outputs elsewhere (Uncategorized) before this file ran.
    const boards: any[] = await get('/api/v1/boards/?all=true&include_archived=true');
    for (const seed of plan.boards) {
      const outputs = plan.jobs.filter((j) => j.kind === 'completed' && j.board_id === seed.board_id).length;
      const boardId = boards.find((b) => b.board_name === seed.board_name)!.board_id;
      const internal = await get(`/api/v1/images/?board_id=${boardId}&image_origin=internal&limit=100`);
      expect(internal.total, seed.board_name).toBeGreaterThanOrEqual(outputs);
      expect(internal.items.every((i: any) => i.board_id === boardId && i.session_id !== null)).toBe(true);
    }
  });

  it('lists the tiny embeddings as real embedding models of their base', async () => {
    const { models } = await get('/api/v2/models/?model_type=embedding');
    for (const e of plan.embeddings) {
      const m = models.find((x: any) => x.name === e.name);
      expect(m, e.name).toBeDefined();
      expect(m).toMatchObject({
        type: 'embedding',
        format: 'embedding_file',
        base: e.base,
        description: e.description,
        source_type: 'path',
      });
      expect(m.hash).toMatch(/^blake3:[0-9a-f]{64}$/);
    }
  });
});
