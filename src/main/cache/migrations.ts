import { rewriteFile } from './compaction';
import type { Db } from './db';
import { extractLoras, parseStored, writeLoras } from './loras';
import { createDictionary, packText, promptId, strippedText } from './metadata-store';

/**
 * The cache schema as an ordered list of migrations. `PRAGMA user_version` holds how many have
 * run; opening a cache runs the rest, each in its own transaction, so a crash mid-upgrade leaves
 * the file at the last complete version. Never edit a released migration: append a new one (and
 * its test in test/main/cache/migrations.test.ts).
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/** Rows the gallery may show; the partial indexes below are built over exactly this predicate. */
export const VISIBLE = 'deleted = 0 AND is_intermediate = 0';

/**
 * Gallery order is rowid order. `images.id` is `created_at ms * SLOTS_PER_MS + slot`, so the
 * primary key sorts by creation time whatever order the rows arrive in (a first sync fetches
 * newest first, live events add the newest at any time, a resumed sync fills gaps in the
 * middle). Nothing is ever renumbered: an out-of-order insert simply lands at its place in the
 * B-tree, and FTS5, whose rowids are the same ids, walks matches in gallery order and stops at
 * LIMIT. `slot` (0..1023) separates images created in the same millisecond; 1024 slots keep ids
 * below 2^53 (exact in a JS number) until the year 2248.
 */
export const SLOTS_PER_MS = 1024;

const v1: Migration = {
  version: 1,
  name: 'gallery, metadata, search, jobs, models, outbox',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE boards (
        board_id TEXT PRIMARY KEY,
        board_name TEXT NOT NULL,
        user_id TEXT,
        created_at INTEGER,
        updated_at INTEGER,
        archived INTEGER NOT NULL DEFAULT 0,
        cover_image_name TEXT,
        board_visibility TEXT,
        -- A create, rename or archive made here waits in the outbox.
        pending INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        image_name TEXT NOT NULL UNIQUE,
        board_id TEXT,
        category TEXT NOT NULL,
        starred INTEGER NOT NULL DEFAULT 0,
        is_intermediate INTEGER NOT NULL DEFAULT 0,
        -- Tombstone: deleted here, hidden everywhere, purged once the server no longer lists it.
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER,
        width INTEGER,
        height INTEGER,
        image_url TEXT,
        thumbnail_url TEXT,
        image_origin TEXT,
        session_id TEXT,
        node_id TEXT,
        workflow_id TEXT,
        has_workflow INTEGER NOT NULL DEFAULT 0,
        image_subfolder TEXT,
        -- 0 = metadata still to fetch, 1 = cached, 2 = the server could not give it (an empty
        -- metadata row then still makes the image searchable by name).
        metadata_state INTEGER NOT NULL DEFAULT 0,
        -- Wall-clock ms of the last write to the row: a sync leaves alone rows written after it
        -- started (an action or a live event knows better than the sync's older snapshot).
        touched_at INTEGER NOT NULL
      );

      -- One index per gallery view shape, each covering its filters (board, starred, category)
      -- and ordered as the view is, so a page is an index range read that stops at LIMIT, and
      -- skipping OFFSET rows never touches the table. created_at order is the primary key itself
      -- (see SLOTS_PER_MS), so it needs no index of its own; intermediates and tombstones are
      -- left out of every index by the partial-index predicate.
      CREATE INDEX images_board_starred ON images(board_id, starred, id, category) WHERE ${VISIBLE};
      CREATE INDEX images_board ON images(board_id, id, category, starred) WHERE ${VISIBLE};
      CREATE INDEX images_starred ON images(starred, id, category) WHERE ${VISIBLE};
      CREATE INDEX images_visible ON images(id, category, starred) WHERE ${VISIBLE};
      CREATE INDEX images_metadata_todo ON images(id) WHERE metadata_state = 0 AND ${VISIBLE};
      CREATE INDEX images_session ON images(session_id) WHERE session_id IS NOT NULL;

      CREATE TABLE image_metadata (
        image_id INTEGER PRIMARY KEY,
        json TEXT,
        positive_prompt TEXT,
        negative_prompt TEXT,
        seed REAL,
        model_name TEXT,
        model_base TEXT,
        steps REAL,
        cfg_scale REAL,
        scheduler TEXT
      );

      -- Visible-image counts per (board, category, starred), kept by triggers: board badges, tab
      -- counts and the exact total of any unsearched view are a handful of rows to add up, not a
      -- scan of the gallery. '' is Uncategorized.
      CREATE TABLE image_counts (
        board_key TEXT NOT NULL,
        category TEXT NOT NULL,
        starred INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (board_key, category, starred)
      ) WITHOUT ROWID;

      CREATE TRIGGER images_count_insert AFTER INSERT ON images WHEN new.deleted = 0 AND new.is_intermediate = 0 BEGIN
        INSERT INTO image_counts VALUES (coalesce(new.board_id, ''), new.category, new.starred, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER images_count_delete AFTER DELETE ON images WHEN old.deleted = 0 AND old.is_intermediate = 0 BEGIN
        UPDATE image_counts SET n = n - 1
          WHERE board_key = coalesce(old.board_id, '') AND category = old.category AND starred = old.starred;
      END;
      CREATE TRIGGER images_count_update AFTER UPDATE OF board_id, category, starred, deleted, is_intermediate ON images
      WHEN old.board_id IS NOT new.board_id OR old.category IS NOT new.category OR old.starred IS NOT new.starred
        OR old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate BEGIN
        UPDATE image_counts SET n = n - 1
          WHERE old.deleted = 0 AND old.is_intermediate = 0
            AND board_key = coalesce(old.board_id, '') AND category = old.category AND starred = old.starred;
        INSERT INTO image_counts SELECT coalesce(new.board_id, ''), new.category, new.starred, 1
          WHERE new.deleted = 0 AND new.is_intermediate = 0
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      -- Full-text search over what a person remembers of an image. Contentless (the text lives
      -- in image_metadata), with rowid = images.id so matches come out in gallery order. Prefix
      -- indexes up to 6 characters make every search-as-you-type keystroke a direct lookup
      -- instead of a merge of every term sharing the prefix (30-40 ms for one letter at 1M rows).
      -- The image name is indexed as one token without its separators (see search.ts), not as
      -- five hex words that would triple the prefix indexes.
      --
      -- 'flags' carries the view filters as words ('starred', 'c<category>', 'b<board id>'), so a
      -- search narrowed to a small board or to starred images is one FTS5 intersection walked in
      -- rowid order, stopping at LIMIT, whose count never reads the images table (search.ts
      -- decides which filters go there); user text is always confined to the other columns.
      -- Only visible images are indexed.
      --
      -- An image gets its row when its metadata is written (or found missing), not before:
      -- replacing a row in a contentless-delete table costs several times a first insert, and
      -- writing every row twice made the metadata backfill four times slower. So an image is
      -- searchable, by name too, once the backfill has reached it. The triggers below keep the
      -- rule "indexed iff visible and described" through every write.
      CREATE VIRTUAL TABLE images_fts USING fts5(
        positive_prompt, negative_prompt, model_name, image_name, flags,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6'
      );

      CREATE VIEW search_rows AS
        SELECT i.id AS id, m.positive_prompt, m.negative_prompt, m.model_name,
          lower(replace(replace(replace(i.image_name, '-', ''), '.', ''), '_', '')) AS image_name,
          (CASE WHEN i.starred THEN 'starred ' ELSE '' END) || 'c' || i.category || ' b' || replace(coalesce(i.board_id, ''), '-', '') AS flags
        FROM images i JOIN image_metadata m ON m.image_id = i.id
        WHERE i.deleted = 0 AND i.is_intermediate = 0;

      CREATE TRIGGER images_deleted AFTER DELETE ON images BEGIN
        DELETE FROM images_fts WHERE rowid = old.id AND old.deleted = 0 AND old.is_intermediate = 0
          AND EXISTS (SELECT 1 FROM image_metadata WHERE image_id = old.id);
        DELETE FROM image_metadata WHERE image_id = old.id;
      END;
      CREATE TRIGGER images_reindexed AFTER UPDATE OF board_id, category, starred, deleted, is_intermediate ON images
      WHEN (old.board_id IS NOT new.board_id OR old.category IS NOT new.category OR old.starred IS NOT new.starred
          OR old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate)
        AND EXISTS (SELECT 1 FROM image_metadata WHERE image_id = new.id) BEGIN
        DELETE FROM images_fts WHERE rowid = old.id AND old.deleted = 0 AND old.is_intermediate = 0;
        INSERT INTO images_fts (rowid, positive_prompt, negative_prompt, model_name, image_name, flags)
          SELECT * FROM search_rows WHERE id = new.id;
      END;
      CREATE TRIGGER metadata_inserted AFTER INSERT ON image_metadata BEGIN
        INSERT INTO images_fts (rowid, positive_prompt, negative_prompt, model_name, image_name, flags)
          SELECT * FROM search_rows WHERE id = new.image_id;
      END;
      CREATE TRIGGER metadata_updated AFTER UPDATE ON image_metadata BEGIN
        DELETE FROM images_fts WHERE rowid = old.image_id
          AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0);
        INSERT INTO images_fts (rowid, positive_prompt, negative_prompt, model_name, image_name, flags)
          SELECT * FROM search_rows WHERE id = new.image_id;
      END;
      CREATE TRIGGER metadata_deleted AFTER DELETE ON image_metadata
      WHEN EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0) BEGIN
        DELETE FROM images_fts WHERE rowid = old.image_id;
      END;

      CREATE TABLE jobs (
        item_id INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        wire_status TEXT NOT NULL,
        status_sequence INTEGER,
        queue_id TEXT,
        batch_id TEXT,
        session_id TEXT,
        priority INTEGER,
        origin TEXT,
        destination TEXT,
        user_id TEXT,
        workflow_id TEXT,
        error_type TEXT,
        error_message TEXT,
        error_traceback TEXT,
        created_at INTEGER,
        updated_at INTEGER,
        started_at INTEGER,
        completed_at INTEGER,
        progress REAL NOT NULL DEFAULT 0,
        outputs TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX jobs_by_time ON jobs(created_at, item_id);
      CREATE INDEX jobs_by_status ON jobs(status, created_at, item_id);
      CREATE INDEX jobs_by_session ON jobs(session_id);

      CREATE TABLE models (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        base TEXT NOT NULL,
        type TEXT NOT NULL,
        hash TEXT,
        path TEXT,
        description TEXT,
        format TEXT,
        variant TEXT,
        metadata TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );

      -- Thumbnails and full images on disk: sizes for the stats, last use for evicting full
      -- images beyond their cap.
      CREATE TABLE files (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        used_at INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
      ) WITHOUT ROWID;
      CREATE INDEX files_lru ON files(kind, used_at);
    `);
  },
};

/**
 * Job history as the place to run the queue: `gone_at` marks jobs the server no longer holds
 * (pruned, cleared, or missing from its list) while the app keeps them as history; `retried_from`
 * ties a retry to the item it retried; the indexes serve the list's filters by batch, origin and
 * destination.
 */
const v2: Migration = {
  version: 2,
  name: 'jobs no longer on the server, job list filters',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN gone_at INTEGER;
      ALTER TABLE jobs ADD COLUMN retried_from INTEGER;
      CREATE INDEX jobs_by_batch ON jobs(batch_id, created_at, item_id);
      CREATE INDEX jobs_by_origin ON jobs(origin, created_at, item_id);
      CREATE INDEX jobs_by_destination ON jobs(destination, created_at, item_id);
    `);
  },
};

/**
 * Field search (`model:`, `steps:>=30`, `lora:`…, see src/shared/query): the LoRAs an image was
 * made with get a table of their own, and the metadata columns the terms compare get indexes, so
 * a rare value (one seed, a LoRA used twice) is read from its index instead of walking the
 * gallery. Model, base, scheduler and LoRA names match by prefix in any case (`LIKE 'x%'`), which
 * only a NOCASE index serves. LoRAs of metadata cached before this migration are read from the
 * stored JSON (see extractLoras), never fetched again.
 */
const v3: Migration = {
  version: 3,
  name: 'search fields: LoRAs, metadata indexes',
  up(db) {
    db.exec(`
      CREATE TABLE image_loras (
        image_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        weight REAL,
        PRIMARY KEY (image_id, name)
      ) WITHOUT ROWID;
      CREATE INDEX image_loras_by_name ON image_loras(name COLLATE NOCASE, image_id);
      CREATE TRIGGER metadata_loras_deleted AFTER DELETE ON image_metadata BEGIN
        DELETE FROM image_loras WHERE image_id = old.image_id;
      END;
      CREATE INDEX metadata_by_model ON image_metadata(model_name COLLATE NOCASE, image_id);
      CREATE INDEX metadata_by_base ON image_metadata(model_base COLLATE NOCASE, image_id);
      CREATE INDEX metadata_by_scheduler ON image_metadata(scheduler COLLATE NOCASE, image_id);
      CREATE INDEX metadata_by_seed ON image_metadata(seed);
      CREATE INDEX metadata_by_steps ON image_metadata(steps);
      CREATE INDEX metadata_by_cfg ON image_metadata(cfg_scale);
      -- The compared fields by image: a walk checking them on each image reads this narrow index
      -- (see search-fields.ts) instead of the metadata row, whose JSON comes first and often
      -- spills onto overflow pages.
      CREATE INDEX metadata_fields ON image_metadata(image_id, model_name, model_base, scheduler, steps, cfg_scale, seed);
    `);
    let after = -1;
    for (;;) {
      const rows = db.all<{ image_id: number; json: string }>(
        'metadata with loras',
        `SELECT image_id, json FROM image_metadata WHERE image_id > ? AND json LIKE '%"loras"%' ORDER BY image_id LIMIT 1000`,
        [after],
      );
      if (rows.length === 0) break;
      for (const row of rows) writeLoras(db, row.image_id, extractLoras(parseStored(row.json)));
      after = rows.at(-1)!.image_id;
    }
  },
};

/** Each visible image's facet values (see v4): its own size and month, and its metadata's. */
const IMAGE_FACETS = `
  CREATE VIEW image_facets AS
    SELECT id AS image_id, 'size' AS facet, width || 'x' || height AS value FROM images WHERE width IS NOT NULL AND height IS NOT NULL
    UNION ALL SELECT id, 'month', strftime('%Y-%m', created_at / 1000, 'unixepoch', 'localtime') FROM images
    UNION ALL SELECT image_id, 'model', model_name FROM image_metadata WHERE model_name IS NOT NULL
    UNION ALL SELECT image_id, 'base', model_base FROM image_metadata WHERE model_base IS NOT NULL
    UNION ALL SELECT image_id, 'scheduler', scheduler FROM image_metadata WHERE scheduler IS NOT NULL
    UNION ALL SELECT image_id, 'lora', name FROM image_loras;
`;

/** Where a trigger finds an image's count key: its own row, or (for metadata and LoRAs) a lookup. */
interface FacetKey {
  board: string;
  category: string;
  starred: string;
  from?: string;
}

const imageKey = (row: 'old' | 'new'): FacetKey => ({ board: `${row}.board_id`, category: `${row}.category`, starred: `${row}.starred` });
const lookupKey = (id: string): FacetKey => ({
  board: 'i.board_id',
  category: 'i.category',
  starred: 'i.starred',
  from: `(SELECT board_id, category, starred FROM images WHERE id = ${id}) AS i`,
});

/** SQL counting (`+`) or uncounting (`-`) the facet values `source` selects (facet, value) under `key`. */
function facetCount(key: FacetKey, source: string, sign: '+' | '-'): string {
  const columns = `coalesce(${key.board}, ''), ${key.category}, ${key.starred}, f.facet, f.value`;
  const from = `${key.from ? `${key.from}, ` : ''}(${source}) AS f`;
  if (sign === '+') {
    // "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join.
    return `INSERT INTO facet_counts (board_key, category, starred, facet, value, n)
      SELECT ${columns}, 1 FROM ${from} WHERE true ON CONFLICT DO UPDATE SET n = n + 1;`;
  }
  return `UPDATE facet_counts SET n = n - 1 WHERE (board_key, category, starred, facet, value) IN (SELECT ${columns} FROM ${from});`;
}

const visibleImage = (row: 'old' | 'new') => `${row}.deleted = 0 AND ${row}.is_intermediate = 0`;
const visibleId = (id: string) => `EXISTS (SELECT 1 FROM images WHERE id = ${id} AND deleted = 0 AND is_intermediate = 0)`;
const facetsOf = (id: string) => `SELECT facet, value FROM image_facets WHERE image_id = ${id}`;
const ownFacets = (row: 'old' | 'new') =>
  `SELECT 'size' AS facet, ${row}.width || 'x' || ${row}.height AS value WHERE ${row}.width IS NOT NULL AND ${row}.height IS NOT NULL
   UNION ALL SELECT 'month', strftime('%Y-%m', ${row}.created_at / 1000, 'unixepoch', 'localtime')`;
const metadataFacets = (row: 'old' | 'new') =>
  `SELECT 'model' AS facet, ${row}.model_name AS value WHERE ${row}.model_name IS NOT NULL
   UNION ALL SELECT 'base', ${row}.model_base WHERE ${row}.model_base IS NOT NULL
   UNION ALL SELECT 'scheduler', ${row}.scheduler WHERE ${row}.scheduler IS NOT NULL`;
const KEY_CHANGED = `old.board_id IS NOT new.board_id OR old.category IS NOT new.category OR old.starred IS NOT new.starred
  OR old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate
  OR old.width IS NOT new.width OR old.height IS NOT new.height OR old.created_at IS NOT new.created_at`;

/**
 * Facet counts (the panel beside the grid: images per model, base, scheduler, LoRA, size and
 * month) per (board, category, starred), kept by triggers like image_counts: the facets of any
 * unsearched view are a sum over a few thousand rows instead of a group-by over the gallery
 * (hundreds of ms at 1M). Facets of a searched view are counted over its matches (facets.ts).
 *
 * Removals run in BEFORE triggers, while the image row and its metadata still exist (deleting an
 * image deletes its metadata in an AFTER trigger of v1, which then finds no visible image and
 * leaves the counts alone). Months are calendar months in the local time of the machine.
 */
const v4: Migration = {
  version: 4,
  name: 'facet counts',
  up(db) {
    db.exec(`
      CREATE TABLE facet_counts (
        board_key TEXT NOT NULL,
        category TEXT NOT NULL,
        starred INTEGER NOT NULL,
        facet TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (board_key, category, starred, facet, value)
      ) WITHOUT ROWID;
      ${IMAGE_FACETS}

      CREATE TRIGGER facets_image_inserted AFTER INSERT ON images WHEN ${visibleImage('new')} BEGIN
        ${facetCount(imageKey('new'), ownFacets('new'), '+')}
      END;
      CREATE TRIGGER facets_image_deleting BEFORE DELETE ON images WHEN ${visibleImage('old')} BEGIN
        ${facetCount(imageKey('old'), facetsOf('old.id'), '-')}
      END;
      CREATE TRIGGER facets_image_changing
      BEFORE UPDATE OF board_id, category, starred, deleted, is_intermediate, width, height, created_at ON images
      WHEN (${KEY_CHANGED}) AND ${visibleImage('old')} BEGIN
        ${facetCount(imageKey('old'), facetsOf('old.id'), '-')}
      END;
      CREATE TRIGGER facets_image_changed
      AFTER UPDATE OF board_id, category, starred, deleted, is_intermediate, width, height, created_at ON images
      WHEN (${KEY_CHANGED}) AND ${visibleImage('new')} BEGIN
        ${facetCount(imageKey('new'), facetsOf('new.id'), '+')}
      END;

      CREATE TRIGGER facets_metadata_inserted AFTER INSERT ON image_metadata WHEN ${visibleId('new.image_id')} BEGIN
        ${facetCount(lookupKey('new.image_id'), metadataFacets('new'), '+')}
      END;
      CREATE TRIGGER facets_metadata_changing BEFORE UPDATE OF model_name, model_base, scheduler ON image_metadata
      WHEN ${visibleId('old.image_id')} BEGIN
        ${facetCount(lookupKey('old.image_id'), metadataFacets('old'), '-')}
      END;
      CREATE TRIGGER facets_metadata_changed AFTER UPDATE OF model_name, model_base, scheduler ON image_metadata
      WHEN ${visibleId('new.image_id')} BEGIN
        ${facetCount(lookupKey('new.image_id'), metadataFacets('new'), '+')}
      END;
      CREATE TRIGGER facets_metadata_deleting BEFORE DELETE ON image_metadata WHEN ${visibleId('old.image_id')} BEGIN
        ${facetCount(lookupKey('old.image_id'), metadataFacets('old'), '-')}
      END;
      CREATE TRIGGER facets_lora_inserted AFTER INSERT ON image_loras WHEN ${visibleId('new.image_id')} BEGIN
        ${facetCount(lookupKey('new.image_id'), "SELECT 'lora' AS facet, new.name AS value", '+')}
      END;
      CREATE TRIGGER facets_lora_deleting BEFORE DELETE ON image_loras WHEN ${visibleId('old.image_id')} BEGIN
        ${facetCount(lookupKey('old.image_id'), "SELECT 'lora' AS facet, old.name AS value", '-')}
      END;

      INSERT INTO facet_counts (board_key, category, starred, facet, value, n)
        SELECT coalesce(i.board_id, ''), i.category, i.starred, f.facet, f.value, count(*)
        FROM image_facets AS f JOIN images AS i ON i.id = f.image_id
        WHERE i.deleted = 0 AND i.is_intermediate = 0
        GROUP BY 1, 2, 3, 4, 5;
    `);
  },
};

/** Adds image `id` to the stack of `prompt` when it is visible and the prompt is not empty. */
const stackImage = (id: string, prompt: string) => `
  INSERT INTO prompt_stacks (prompt) SELECT ${prompt} WHERE ${prompt} <> '' AND ${visibleId(id)} ON CONFLICT (prompt) DO NOTHING;
  INSERT INTO image_prompts (image_id, stack) SELECT ${id}, s.id FROM prompt_stacks AS s WHERE s.prompt = ${prompt} AND ${visibleId(id)};`;

/**
 * The prompt stacks' indexes and the table tying images to their stack, and the triggers that
 * keep each stack's count and first/last image following it: v5 made them, and v8 made them
 * again (byte for byte) when the stacks moved to prompt ids. Shared text, not shared history:
 * a later change to the stacks is a new migration, never an edit here.
 */
const PROMPT_STACK_LINKS = `CREATE INDEX prompt_stacks_by_count ON prompt_stacks(n, last_id);
      CREATE INDEX prompt_stacks_by_last ON prompt_stacks(last_id);
      CREATE TABLE image_prompts (
        image_id INTEGER PRIMARY KEY,
        stack INTEGER NOT NULL
      );
      CREATE INDEX image_prompts_by_stack ON image_prompts(stack, image_id);`;
const PROMPT_STACK_FIGURES = `CREATE TRIGGER image_prompts_added AFTER INSERT ON image_prompts BEGIN
        UPDATE prompt_stacks SET n = n + 1, first_id = min(coalesce(first_id, new.image_id), new.image_id),
          last_id = max(coalesce(last_id, new.image_id), new.image_id)
        WHERE id = new.stack;
      END;
      CREATE TRIGGER image_prompts_removed AFTER DELETE ON image_prompts BEGIN
        UPDATE prompt_stacks SET n = n - 1,
          first_id = (SELECT min(image_id) FROM image_prompts WHERE stack = old.stack),
          last_id = (SELECT max(image_id) FROM image_prompts WHERE stack = old.stack)
        WHERE id = old.stack;
        DELETE FROM prompt_stacks WHERE id = old.stack AND n <= 0;
      END;`;

/**
 * Prompt stacks (the Prompts view): visible images grouped by their exact positive prompt, with
 * how many there are and the first and last image (ids are creation times, see SLOTS_PER_MS).
 * `prompt_stacks` holds each distinct prompt once (its UNIQUE index finds a prompt's stack when
 * metadata is written); `image_prompts` ties each visible image with a prompt to its stack, so
 * opening a stack (`prompt:"…"`) and keeping first/last right when an image goes are index seeks
 * on (stack, image_id). The view's pages are read from the count and last-use indexes, and
 * triggers keep everything current through every write, as for facet_counts. Filled from the
 * cached metadata; nothing is fetched again.
 */
const v5: Migration = {
  version: 5,
  name: 'prompt stacks',
  up(db) {
    db.exec(`
      CREATE TABLE prompt_stacks (
        id INTEGER PRIMARY KEY,
        prompt TEXT NOT NULL UNIQUE,
        n INTEGER NOT NULL DEFAULT 0,
        first_id INTEGER,
        last_id INTEGER
      );
      ${PROMPT_STACK_LINKS}

      INSERT INTO prompt_stacks (prompt, n, first_id, last_id)
        SELECT m.positive_prompt, count(*), min(i.id), max(i.id)
        FROM image_metadata AS m JOIN images AS i ON i.id = m.image_id
        WHERE i.deleted = 0 AND i.is_intermediate = 0 AND m.positive_prompt <> ''
        GROUP BY m.positive_prompt;
      INSERT INTO image_prompts (image_id, stack)
        SELECT m.image_id, s.id FROM image_metadata AS m JOIN images AS i ON i.id = m.image_id
        JOIN prompt_stacks AS s ON s.prompt = m.positive_prompt
        WHERE i.deleted = 0 AND i.is_intermediate = 0;

      -- The stack's own figures follow its images (created after the fill above, which counted them).
      ${PROMPT_STACK_FIGURES}

      CREATE TRIGGER prompts_metadata_inserted AFTER INSERT ON image_metadata BEGIN
        ${stackImage('new.image_id', 'new.positive_prompt')}
      END;
      CREATE TRIGGER prompts_metadata_changed AFTER UPDATE OF positive_prompt ON image_metadata
      WHEN old.positive_prompt IS NOT new.positive_prompt BEGIN
        DELETE FROM image_prompts WHERE image_id = old.image_id;
        ${stackImage('new.image_id', 'new.positive_prompt')}
      END;
      CREATE TRIGGER prompts_metadata_deleted AFTER DELETE ON image_metadata BEGIN
        DELETE FROM image_prompts WHERE image_id = old.image_id;
      END;
      CREATE TRIGGER prompts_image_changed AFTER UPDATE OF deleted, is_intermediate ON images
      WHEN old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate BEGIN
        DELETE FROM image_prompts WHERE image_id = old.id;
        ${stackImage('new.id', '(SELECT positive_prompt FROM image_metadata WHERE image_id = new.id)')}
      END;
      CREATE TRIGGER prompts_image_deleted AFTER DELETE ON images BEGIN
        DELETE FROM image_prompts WHERE image_id = old.id;
      END;
    `);
  },
};

/**
 * Videos (InvokeAI 6.14) are gallery items beside images: they live in `images` too, so every
 * view, index, count, facet and search that reads the gallery includes them with no second
 * query to merge. `kind` says which API owns the row (`/images/*` or `/videos/*`); names never
 * collide (the server names videos `<uuid>.mp4`). `duration` (seconds) and `fps` are the video's
 * and stay NULL for images.
 */
const v6: Migration = {
  version: 6,
  name: 'videos in the gallery',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN kind TEXT NOT NULL DEFAULT 'image' CHECK (kind IN ('image', 'video'));
      ALTER TABLE images ADD COLUMN duration REAL;
      ALTER TABLE images ADD COLUMN fps REAL;
      -- Videos are few: their states (for the video sync) and their counts per board (a board's
      -- video_count, taken out of image_counts) are a read of this small index, never a scan.
      CREATE INDEX images_videos ON images(board_id, category, deleted, is_intermediate) WHERE kind = 'video';
    `);
  },
};

/**
 * Characters a field token drops before FTS5 sees it, so a model, base, scheduler or LoRA name is
 * one token even when its name has spaces, dots or dashes ("SD3.5 Large" is `msd35large`) and a
 * prefix of the name is a prefix of the token. search-fields.ts squashes what people type the
 * same way; anything else the tokenizer splits on stays a separator on both sides.
 */
export const FIELD_TOKEN_DROPS = [' ', '-', '_', '.', '/'] as const;

/** SQL squashing `value` as FIELD_TOKEN_DROPS says (the tokenizer folds case beyond ASCII itself). */
const squash = (value: string) => FIELD_TOKEN_DROPS.reduce((sql, drop) => `replace(${sql}, '${drop}', '')`, `lower(${value})`);

/**
 * The searchable text of each visible, described image, as migration 7 indexes it: the user
 * columns of v1, `flags`, and `fields`, one token per field value an image has (m<model>,
 * b<base>, s<scheduler>, l<LoRA> each, z<width>x<height>).
 */
const searchRowsV7 = (positive: string, negative: string, from: string) => `
  CREATE VIEW search_rows AS
    SELECT i.id AS id, ${positive} AS positive_prompt, ${negative} AS negative_prompt, m.model_name,
      lower(replace(replace(replace(i.image_name, '-', ''), '.', ''), '_', '')) AS image_name,
      (CASE WHEN i.starred THEN 'starred ' ELSE '' END) || 'c' || i.category || ' b' || replace(coalesce(i.board_id, ''), '-', '') AS flags,
      concat_ws(' ', 'm' || ${squash('m.model_name')}, 'b' || ${squash('m.model_base')}, 's' || ${squash('m.scheduler')},
        'z' || i.width || 'x' || i.height,
        (SELECT group_concat('l' || ${squash('l.name')}, ' ') FROM image_loras AS l WHERE l.image_id = i.id)) AS fields
    FROM ${from}
    WHERE i.deleted = 0 AND i.is_intermediate = 0;`;

const FTS_COLUMNS = 'rowid, positive_prompt, negative_prompt, model_name, image_name, flags, fields';

/**
 * The trigger rewriting an image's images_fts row when its flags or size change (v1's, with
 * sizes); `more` is what a later version also does then (v9: the starred index).
 */
const reindexTrigger = (more = '') => `
  CREATE TRIGGER images_reindexed AFTER UPDATE OF board_id, category, starred, deleted, is_intermediate, width, height ON images
  WHEN (old.board_id IS NOT new.board_id OR old.category IS NOT new.category OR old.starred IS NOT new.starred
      OR old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate
      OR old.width IS NOT new.width OR old.height IS NOT new.height)
    AND EXISTS (SELECT 1 FROM image_metadata WHERE image_id = new.id) BEGIN
    DELETE FROM images_fts WHERE rowid = old.id AND old.deleted = 0 AND old.is_intermediate = 0;
    INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows WHERE id = new.id;${more}
  END;`;
const REINDEX_TRIGGER = reindexTrigger();

/** The triggers writing an image's images_fts row with its metadata (v1's, with `fields`). */
const METADATA_SEARCH_TRIGGERS = `
  CREATE TRIGGER metadata_inserted AFTER INSERT ON image_metadata BEGIN
    INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows WHERE id = new.image_id;
  END;
  CREATE TRIGGER metadata_updated AFTER UPDATE ON image_metadata BEGIN
    DELETE FROM images_fts WHERE rowid = old.image_id
      AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0);
    INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows WHERE id = new.image_id;
  END;`;

/**
 * Field terms inside the search index: each indexed image gains a `fields` column of tokens for
 * its model, base, scheduler, LoRAs and size (see searchRowsV7), so free text plus `model:jugg` is
 * one FTS5 walk in gallery order that stops at LIMIT, instead of a walk of every match of the
 * words checking each one's metadata (33 ms p95 at 1M; see search-fields.ts). The six prefix
 * indexes stay, though they are three quarters of the index: FTS5 answers a prefix it has no index
 * for by merging every matching word's whole doclist before walking (`"water"*` took 71 ms at 1M
 * with lengths 1-3 only, 0.1 ms with 1-6). FTS5 tables cannot gain a column, so the index is
 * rebuilt from what is cached; nothing is fetched again.
 */
const v7: Migration = {
  version: 7,
  name: 'field tokens in the search index',
  up(db) {
    db.exec(`
      DROP TRIGGER images_reindexed;
      DROP TRIGGER metadata_inserted;
      DROP TRIGGER metadata_updated;
      DROP VIEW search_rows;
      DROP TABLE images_fts;
      CREATE VIRTUAL TABLE images_fts USING fts5(
        positive_prompt, negative_prompt, model_name, image_name, flags, fields,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6'
      );
      ${searchRowsV7('m.positive_prompt', 'm.negative_prompt', 'images i JOIN image_metadata m ON m.image_id = i.id')}
      ${REINDEX_TRIGGER}
      ${METADATA_SEARCH_TRIGGERS}
      INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows;
      -- One bulk insert leaves many segments: the app merges them in idle slices (search-upkeep.ts).
      INSERT INTO meta (key, value) SELECT 'search.untidy_rows', count(*) FROM image_metadata WHERE true
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
    `);
  },
};

/** v5's prompt stacks, by prompt id: adds image `id` to the stack of prompt `prompt` when it is visible. */
const stackImageById = (id: string, prompt: string) => `
  INSERT INTO prompt_stacks (id) SELECT ${prompt} WHERE ${prompt} IS NOT NULL AND ${visibleId(id)} ON CONFLICT (id) DO NOTHING;
  INSERT INTO image_prompts (image_id, stack) SELECT ${id}, ${prompt} WHERE ${prompt} IS NOT NULL AND ${visibleId(id)};`;

const promptText = (id: string) => `(SELECT text FROM prompts WHERE id = ${id})`;

/**
 * Metadata stored once (issue 13: the cache was 2.4× the server's own database for the same
 * gallery, `image_metadata` its largest table): the JSON document compressed without its prompts,
 * each prompt text once in `prompts` (negative prompts repeat endlessly, and the stacks of v5 held
 * each positive prompt twice more, in their table and its UNIQUE index), see metadata-store.ts.
 * Extracted fields stay columns because queries compare them; the indexes only the field
 * drivers and autocomplete read go, as the search index's field tokens (v7) find those values
 * and facet_counts lists them. Every row is converted from what is stored, nothing fetched.
 */
const v8: Migration = {
  version: 8,
  name: 'metadata stored once, compressed',
  up(db) {
    db.exec(`
      DROP VIEW search_rows;
      DROP TRIGGER prompts_image_changed;
      CREATE TABLE prompts (
        id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX prompts_by_hash ON prompts(hash);
      CREATE TABLE metadata_dictionaries (
        id INTEGER PRIMARY KEY,
        bytes BLOB NOT NULL
      );
      -- NUMERIC keeps whole numbers (seeds, steps) as integers, a few bytes each instead of 8.
      CREATE TABLE image_metadata_v8 (
        image_id INTEGER PRIMARY KEY,
        positive INTEGER,
        negative INTEGER,
        model_name TEXT,
        model_base TEXT,
        scheduler TEXT,
        steps NUMERIC,
        cfg_scale NUMERIC,
        seed NUMERIC,
        doc BLOB
      );
    `);
    // The new table's name is image_metadata only once the old one is gone, but the store reads
    // stored documents (for a dictionary) from image_metadata: cut the dictionary from the old rows.
    const sample = db.all<{ json: string; positive_prompt: string | null; negative_prompt: string | null }>(
      'documents for a dictionary',
      'SELECT json, positive_prompt, negative_prompt FROM image_metadata WHERE json IS NOT NULL ORDER BY image_id DESC LIMIT 64',
    );
    const stripped = (row: { json: string; positive_prompt: string | null; negative_prompt: string | null }) => {
      const json = parseStored(row.json);
      return json === null ? null : strippedText(json, row.positive_prompt, row.negative_prompt);
    };
    const texts = sample.flatMap((row) => stripped(row) ?? []);
    createDictionary(db, texts);
    let after = -1;
    for (;;) {
      const rows = db.all<{
        image_id: number;
        json: string | null;
        positive_prompt: string | null;
        negative_prompt: string | null;
        model_name: string | null;
        model_base: string | null;
        scheduler: string | null;
        steps: number | null;
        cfg_scale: number | null;
        seed: number | null;
      }>('old metadata', 'SELECT * FROM image_metadata WHERE image_id > ? ORDER BY image_id LIMIT 2000', [after]);
      if (rows.length === 0) break;
      for (const row of rows) {
        const text = row.json === null ? null : stripped({ ...row, json: row.json });
        db.run(
          'convert metadata',
          `INSERT INTO image_metadata_v8 (image_id, positive, negative, model_name, model_base, scheduler, steps, cfg_scale, seed, doc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            row.image_id,
            promptId(db, row.positive_prompt),
            promptId(db, row.negative_prompt),
            row.model_name,
            row.model_base,
            row.scheduler,
            row.steps,
            row.cfg_scale,
            row.seed,
            text === null ? null : packText(db, text),
          ],
        );
      }
      after = rows.at(-1)!.image_id;
    }
    db.exec(`
      DROP TABLE image_metadata;
      -- Legacy renaming leaves the views and triggers naming image_metadata alone (they read the
      -- new table from now on) instead of refusing them for naming a table that is gone.
      PRAGMA legacy_alter_table = ON;
      ALTER TABLE image_metadata_v8 RENAME TO image_metadata;
      PRAGMA legacy_alter_table = OFF;
      CREATE INDEX metadata_by_seed ON image_metadata(seed);
      CREATE INDEX metadata_by_steps ON image_metadata(steps);
      CREATE INDEX metadata_by_cfg ON image_metadata(cfg_scale);
      DROP INDEX image_loras_by_name;
      -- Autocomplete's values (search-values.ts).
      CREATE INDEX facet_counts_by_value ON facet_counts(facet, value);

      DROP TABLE image_prompts;
      DROP TABLE prompt_stacks;
      CREATE TABLE prompt_stacks (
        id INTEGER PRIMARY KEY, -- the prompt's id in prompts
        n INTEGER NOT NULL DEFAULT 0,
        first_id INTEGER,
        last_id INTEGER
      );
      ${PROMPT_STACK_LINKS}
      INSERT INTO prompt_stacks (id, n, first_id, last_id)
        SELECT m.positive, count(*), min(i.id), max(i.id)
        FROM image_metadata AS m JOIN images AS i ON i.id = m.image_id
        WHERE i.deleted = 0 AND i.is_intermediate = 0 AND m.positive IS NOT NULL
        GROUP BY m.positive;
      INSERT INTO image_prompts (image_id, stack)
        SELECT m.image_id, m.positive FROM image_metadata AS m JOIN images AS i ON i.id = m.image_id
        WHERE i.deleted = 0 AND i.is_intermediate = 0 AND m.positive IS NOT NULL;

      ${searchRowsV7(promptText('m.positive'), promptText('m.negative'), 'images i JOIN image_metadata m ON m.image_id = i.id')}
      ${METADATA_SEARCH_TRIGGERS}
      CREATE TRIGGER metadata_deleted AFTER DELETE ON image_metadata
      WHEN EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0) BEGIN
        DELETE FROM images_fts WHERE rowid = old.image_id;
      END;
      CREATE TRIGGER metadata_loras_deleted AFTER DELETE ON image_metadata BEGIN
        DELETE FROM image_loras WHERE image_id = old.image_id;
      END;

      CREATE TRIGGER facets_metadata_inserted AFTER INSERT ON image_metadata WHEN ${visibleId('new.image_id')} BEGIN
        ${facetCount(lookupKey('new.image_id'), metadataFacets('new'), '+')}
      END;
      CREATE TRIGGER facets_metadata_changing BEFORE UPDATE OF model_name, model_base, scheduler ON image_metadata
      WHEN ${visibleId('old.image_id')} BEGIN
        ${facetCount(lookupKey('old.image_id'), metadataFacets('old'), '-')}
      END;
      CREATE TRIGGER facets_metadata_changed AFTER UPDATE OF model_name, model_base, scheduler ON image_metadata
      WHEN ${visibleId('new.image_id')} BEGIN
        ${facetCount(lookupKey('new.image_id'), metadataFacets('new'), '+')}
      END;
      CREATE TRIGGER facets_metadata_deleting BEFORE DELETE ON image_metadata WHEN ${visibleId('old.image_id')} BEGIN
        ${facetCount(lookupKey('old.image_id'), metadataFacets('old'), '-')}
      END;

      ${PROMPT_STACK_FIGURES}
      CREATE TRIGGER prompts_metadata_inserted AFTER INSERT ON image_metadata BEGIN
        ${stackImageById('new.image_id', 'new.positive')}
      END;
      CREATE TRIGGER prompts_metadata_changed AFTER UPDATE OF positive ON image_metadata
      WHEN old.positive IS NOT new.positive BEGIN
        DELETE FROM image_prompts WHERE image_id = old.image_id;
        ${stackImageById('new.image_id', 'new.positive')}
      END;
      CREATE TRIGGER prompts_metadata_deleted AFTER DELETE ON image_metadata BEGIN
        DELETE FROM image_prompts WHERE image_id = old.image_id;
      END;
      CREATE TRIGGER prompts_image_changed AFTER UPDATE OF deleted, is_intermediate ON images
      WHEN old.deleted IS NOT new.deleted OR old.is_intermediate IS NOT new.is_intermediate BEGIN
        DELETE FROM image_prompts WHERE image_id = old.id;
        ${stackImageById('new.id', '(SELECT positive FROM image_metadata WHERE image_id = new.id)')}
      END;
    `);
  },
};

/** Image `id`'s search_rows row into starred_fts when the image is starred (search_rows keeps only visible images). */
const starredRow = (id: string) => `
  INSERT INTO starred_fts (${FTS_COLUMNS}) SELECT * FROM search_rows
    WHERE id = ${id} AND EXISTS (SELECT 1 FROM images WHERE id = ${id} AND starred = 1);`;

/**
 * The starred images' own search index (issue 15). A starred-first page walks the starred matches
 * before the rest; when a search matches only a few hundred starred images, that walk crossed the
 * whole index, FTS5 advancing every term's doclist over all images to find them (`castle
 * model:jugg`: 22 ms at 1M). starred_fts holds exactly the images_fts rows of starred images (5%
 * of a gallery), where the same walk takes 0.7 ms. Its rows follow images_fts's: the triggers
 * writing images_fts are rewritten to write both, in one body each, so a row is always removed
 * before the metadata it was read from. Filled from the index's own source; nothing is fetched.
 */
const v9: Migration = {
  version: 9,
  name: 'starred search index',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE starred_fts USING fts5(
        positive_prompt, negative_prompt, model_name, image_name, flags, fields,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3 4 5 6'
      );
      DROP TRIGGER images_deleted;
      DROP TRIGGER images_reindexed;
      DROP TRIGGER metadata_inserted;
      DROP TRIGGER metadata_updated;
      DROP TRIGGER metadata_deleted;

      CREATE TRIGGER images_deleted AFTER DELETE ON images BEGIN
        DELETE FROM images_fts WHERE rowid = old.id AND old.deleted = 0 AND old.is_intermediate = 0
          AND EXISTS (SELECT 1 FROM image_metadata WHERE image_id = old.id);
        DELETE FROM starred_fts WHERE rowid = old.id AND old.starred = 1 AND old.deleted = 0 AND old.is_intermediate = 0
          AND EXISTS (SELECT 1 FROM image_metadata WHERE image_id = old.id);
        DELETE FROM image_metadata WHERE image_id = old.id;
      END;
      ${reindexTrigger(`
    DELETE FROM starred_fts WHERE rowid = old.id AND old.starred = 1 AND old.deleted = 0 AND old.is_intermediate = 0;
    ${starredRow('new.id')}`)}
      CREATE TRIGGER metadata_inserted AFTER INSERT ON image_metadata BEGIN
        INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows WHERE id = new.image_id;
        ${starredRow('new.image_id')}
      END;
      CREATE TRIGGER metadata_updated AFTER UPDATE ON image_metadata BEGIN
        DELETE FROM images_fts WHERE rowid = old.image_id
          AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0);
        INSERT INTO images_fts (${FTS_COLUMNS}) SELECT * FROM search_rows WHERE id = new.image_id;
        DELETE FROM starred_fts WHERE rowid = old.image_id
          AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND starred = 1 AND deleted = 0 AND is_intermediate = 0);
        ${starredRow('new.image_id')}
      END;
      CREATE TRIGGER metadata_deleted AFTER DELETE ON image_metadata
      WHEN EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND deleted = 0 AND is_intermediate = 0) BEGIN
        DELETE FROM images_fts WHERE rowid = old.image_id;
        DELETE FROM starred_fts WHERE rowid = old.image_id AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id AND starred = 1);
      END;

      INSERT INTO starred_fts (${FTS_COLUMNS})
        SELECT s.* FROM images AS i INDEXED BY images_starred CROSS JOIN search_rows AS s ON s.id = i.id
        WHERE i.starred = 1 AND i.deleted = 0 AND i.is_intermediate = 0;
      -- A few percent of the gallery: merged at once (about a second at 1M images).
      INSERT INTO starred_fts (starred_fts) VALUES ('optimize');
    `);
  },
};

/**
 * URLs the server derives from the name are no longer stored (urls.ts: NULL stands for the
 * pattern); the rows cached before are cleared the same way, and migrate() gives the pages that
 * frees back. The pattern here is urls.ts's, written in SQL.
 */
const v10: Migration = {
  version: 10,
  name: 'derived URLs not stored',
  up(db) {
    db.exec(`
      UPDATE images SET
        image_url = CASE WHEN image_url = ${patternUrlSql('full')} THEN NULL ELSE image_url END,
        thumbnail_url = CASE WHEN thumbnail_url = ${patternUrlSql('thumbnail')} THEN NULL ELSE thumbnail_url END
      WHERE image_url = ${patternUrlSql('full')} OR thumbnail_url = ${patternUrlSql('thumbnail')};
    `);
  },
};

function patternUrlSql(size: 'full' | 'thumbnail'): string {
  return `'api/v1/' || (CASE kind WHEN 'video' THEN 'videos' ELSE 'images' END) || '/i/' || image_name || '/${size}'`;
}

export const migrations: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10];

export const SCHEMA_VERSION = migrations.length;

/** Thrown when the file was written by a newer version of the app: reading it could corrupt it. */
export class CacheTooNewError extends Error {
  override readonly name = 'CacheTooNewError';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The cache was written by a newer version of the app (schema ${found}; this version reads up to ${supported}). Update the app or clear the cache.`,
    );
  }
}

export function schemaVersion(db: Db): number {
  return Number(db.sqlite.prepare('PRAGMA user_version').get()?.user_version ?? 0);
}

/** Brings the file up to `target` (default: the latest), one transaction per migration. */
export function migrate(db: Db, target = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) throw new CacheTooNewError(current, SCHEMA_VERSION);
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(`migration ${migration.version}`, () => {
      migration.up(db);
      db.exec(`PRAGMA user_version = ${migration.version}`);
    });
  }
  // A migration that rewrote a table (8 rewrites the metadata: 640 MB freed at 1M images) leaves
  // the file that much larger until later writes reuse the pages: when a tenth of the file or
  // more is free, give it back once (a rewrite of the file, ~1 minute at 1M images).
  const pages = db.get<{ total: number; free: number }>(
    'free pages',
    'SELECT page_count AS total, freelist_count AS free FROM pragma_page_count, pragma_freelist_count',
  );
  if (current < Math.min(target, SCHEMA_VERSION) && current > 0 && pages && pages.free > pages.total / 10) rewriteFile(db);
}
