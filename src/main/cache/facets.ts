import type { FacetName, Facets, GalleryQuery } from '../../shared/ipc';
import type { Db } from './db';
import { METADATA_JOIN, countsFilter, searchedSource, type GalleryCounts } from './gallery';

/**
 * Facet counts for the panel beside the grid. An unsearched view adds up the counts the triggers
 * of migration 4 keep per (board, category, starred); a searched view counts its matches, the
 * newest SAMPLE of them at most, in two passes (image + metadata rows while walking the search,
 * then the LoRAs of those ids) aggregated here, since one GROUP BY per facet would walk the
 * search six times. Beyond SAMPLE the panel says its counts are of the newest matches: counting
 * every match of a broad search would cost seconds at 1M.
 */
const SAMPLE = 2_000;
/** Values shown per facet: the most used. */
const TOP = 24;
const ORDER: readonly FacetName[] = ['model', 'base', 'lora', 'scheduler', 'size', 'month'];

function sorted(counts: Map<FacetName, Map<string, number>>): Facets['facets'] {
  return ORDER.map((facet) => ({
    facet,
    values: [...(counts.get(facet) ?? new Map<string, number>())]
      .filter(([, count]) => count > 0)
      .sort((a, b) => (facet === 'month' ? b[0].localeCompare(a[0]) : b[1] - a[1] || a[0].localeCompare(b[0])))
      .slice(0, TOP)
      .map(([value, count]) => ({ value, count })),
  }));
}

function tally(counts: Map<FacetName, Map<string, number>>, facet: FacetName, value: string | null, n = 1): void {
  if (value === null) return;
  let values = counts.get(facet);
  if (!values) counts.set(facet, (values = new Map<string, number>()));
  values.set(value, (values.get(value) ?? 0) + n);
}

const month = (ms: number) => {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
};

export function facetCounts(db: Db, galleryCounts: GalleryCounts, query: GalleryQuery): Facets {
  const stars = query.starredOnly ? 'starred' : 'any';
  const counts = new Map<FacetName, Map<string, number>>();
  const source = searchedSource(db, galleryCounts, query, stars);
  if (source === null) {
    const { where, params } = countsFilter(query, stars);
    const rows = db.all<{ facet: FacetName; value: string; n: number }>(
      'view facets',
      `SELECT facet, value, sum(n) AS n FROM facet_counts ${where} GROUP BY facet, value`,
      params,
    );
    for (const row of rows) tally(counts, row.facet, row.value, row.n);
    return { facets: sorted(counts), sampled: null };
  }
  const rows = db.all<{
    id: number;
    width: number | null;
    height: number | null;
    created_at: number;
    model_name: string | null;
    model_base: string | null;
    scheduler: string | null;
  }>(
    'search facets',
    `SELECT i.id, i.width, i.height, i.created_at, m.model_name, m.model_base, m.scheduler
     FROM ${source.from} ${source.metadata ? '' : METADATA_JOIN} WHERE ${source.where} ORDER BY ${source.newestFirst} LIMIT ?`,
    [...source.params, SAMPLE],
  );
  for (const row of rows) {
    tally(counts, 'model', row.model_name);
    tally(counts, 'base', row.model_base);
    tally(counts, 'scheduler', row.scheduler);
    tally(counts, 'size', row.width !== null && row.height !== null ? `${row.width}x${row.height}` : null);
    tally(counts, 'month', month(row.created_at));
  }
  const loras = db.all<{ name: string; n: number }>(
    'search lora facets',
    'SELECT l.name, count(*) AS n FROM json_each(?) AS s CROSS JOIN image_loras AS l ON l.image_id = s.value GROUP BY l.name',
    [JSON.stringify(rows.map((row) => row.id))],
  );
  for (const row of loras) tally(counts, 'lora', row.name, row.n);
  return { facets: sorted(counts), sampled: rows.length === SAMPLE ? SAMPLE : null };
}
