import type { PromptStacks, PromptStacksQuery } from '../../shared/ipc';
import type { Db, Params } from './db';
import { SLOTS_PER_MS } from './migrations';

const escapeLike = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of the Prompts view: visible images grouped by their exact positive prompt (the stacks
 * migration 5's triggers keep; since migration 8 a stack's id is its prompt's id in `prompts`),
 * most used or most recently used first, each with its newest image for a thumbnail and its first
 * and last use. Both orders are walks of an index that stop
 * at the page; words narrow the stacks to prompts containing every one of them (any case), which
 * walks the same index checking each prompt. One row more than asked tells whether more follow,
 * so no page counts every stack.
 */
export function promptStacks(db: Db, query: PromptStacksQuery): PromptStacks {
  const words = query.search.split(/\s+/).filter((word) => word !== '');
  const where = words.map(() => "p.text LIKE ? ESCAPE '\\'");
  const params: Params = words.map((word) => `%${escapeLike(word)}%`);
  const order = query.sort === 'count' ? 's.n DESC, s.last_id DESC' : 's.last_id DESC';
  const rows = db.all<{ prompt: string; n: number; first_id: number; last_id: number; image_name: string }>(
    'prompt stacks',
    `SELECT p.text AS prompt, s.n, s.first_id, s.last_id, i.image_name
     FROM prompt_stacks AS s JOIN prompts AS p ON p.id = s.id JOIN images AS i ON i.id = s.last_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${order} LIMIT ? OFFSET ?`,
    [...params, query.limit + 1, query.offset],
  );
  return {
    stacks: rows.slice(0, query.limit).map((row) => ({
      prompt: row.prompt,
      images: row.n,
      newest_image: row.image_name,
      first_used: new Date(Math.floor(row.first_id / SLOTS_PER_MS)),
      last_used: new Date(Math.floor(row.last_id / SLOTS_PER_MS)),
    })),
    more: rows.length > query.limit,
  };
}
