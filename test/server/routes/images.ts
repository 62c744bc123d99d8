/**
 * `/api/v1/images/*`: lists, names, DTOs, bytes, metadata, upload, star, delete. On a multi-user
 * server each route checks the caller as 6.14.2 does (`../access.ts`).
 */
import busboy from 'busboy';
import { assertImageModifiable, assertUploadBoard, canModifyImage, canReadImage, readableImage } from '../access';
import type { ImageCategory } from '../data/gallery';
import { encodePng, readPngText } from '../data/png';
import { HttpError, json, type Reply, type RequestContext, type Router } from '../http';
import { cropVisible, decodeImage, resizeTo } from '../imaging';
import type { StandInState } from '../state';
import { IMAGE_CATEGORIES, imageDTO, imageUrl, parseMetadata, thumbnailUrl, type ImageQuery, type ImageRecord } from '../store';
import type { ParamReader } from '../validation';
import { readChanges, readListFilters, registerListRoutes, scopedToCaller } from './media';

/** FastAPI's bare `HTTPException(status_code=404)`. */
const notFound = (): HttpError => new HttpError(404, 'Not Found');

/** Cache headers of image bytes: immutable by name (no ETag), but never cached on a multi-user server. */
const imageCache = (ctx: RequestContext): string => (ctx.multiuser ? 'private, no-store' : 'max-age=31536000');

function readImageQuery(q: ParamReader): ImageQuery {
  const { origin, ...filters } = readListFilters(q, 'image_origin');
  return { image_origin: origin, ...filters };
}

interface Upload {
  file: { data: Buffer; mimeType: string } | undefined;
  fields: Record<string, string>;
}

function readMultipart(ctx: RequestContext): Promise<Upload> {
  return new Promise((resolve) => {
    const upload: Upload = { file: undefined, fields: {} };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: ctx.req.headers });
    } catch {
      // Not multipart at all: FastAPI then reports the `file` field as missing.
      ctx.req.resume();
      ctx.req.on('end', () => resolve(upload));
      return;
    }
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (name === 'file' && !upload.file) upload.file = { data: Buffer.concat(chunks), mimeType: info.mimeType };
      });
    });
    parser.on('field', (name, value) => {
      upload.fields[name] = value;
    });
    parser.on('close', () => resolve(upload));
    parser.on('error', () => resolve(upload));
    ctx.req.pipe(parser);
  });
}

const WORKFLOW_FIELDS = ['name', 'author', 'description', 'version', 'contact', 'tags', 'notes', 'exposedFields', 'meta', 'nodes', 'edges'];

function validWorkflow(text: string | undefined): string | null {
  const value = parseMetadata(text ?? null);
  return value && WORKFLOW_FIELDS.every((f) => f in value) ? text! : null;
}

function validGraph(text: string | undefined): string | null {
  const value = parseMetadata(text ?? null);
  const nodes = value?.nodes;
  const ok =
    value &&
    (value.edges === undefined || Array.isArray(value.edges)) &&
    (nodes === undefined || (typeof nodes === 'object' && nodes !== null && !Array.isArray(nodes)));
  return ok ? text! : null;
}

export function registerImageRoutes(router: Router, state: StandInState): void {
  const { gallery, files } = state;

  /** The names of a batch the caller may star or delete; the rest are skipped silently. */
  const modifiable = (ctx: RequestContext, names: readonly string[]): string[] =>
    names.filter((name) => {
      const image = gallery.getImage(name);
      return image !== undefined && canModifyImage(ctx.caller, gallery, image);
    });

  /** The image a read names, if the caller may read it (its 403/404 otherwise). */
  const record = (ctx: RequestContext): ImageRecord => readableImage(ctx.caller, gallery, ctx.param('image_name'), notFound);

  registerListRoutes(router, {
    base: '/api/v1/images',
    namesKey: 'image_names',
    readQuery: readImageQuery,
    find: (ctx, query) => {
      const { images, starredCount } = gallery.queryImages(scopedToCaller(ctx, gallery, query));
      return { records: images, starredCount };
    },
    name: (r) => r.image_name,
    dto: imageDTO,
  });

  router.post('/api/v1/images/images_by_names', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    // Images the caller may not read are left out, like missing ones.
    return json(
      names
        .map((n) => gallery.getImage(n))
        .filter((r): r is ImageRecord => r !== undefined && canReadImage(ctx.caller, gallery, r))
        .map(imageDTO),
    );
  });

  router.get('/api/v1/images/i/{image_name}', (ctx) => json(imageDTO(record(ctx))));

  router.patch('/api/v1/images/i/{image_name}', async (ctx) => {
    const changes = await readChanges(ctx, 'image_category');
    assertImageModifiable(ctx.caller, gallery, ctx.param('image_name'));
    const updated = gallery.updateImage(ctx.param('image_name'), changes);
    if (!updated) throw new HttpError(400, 'Failed to update image');
    return json(imageDTO(updated));
  });

  router.delete('/api/v1/images/i/{image_name}', (ctx) => {
    assertImageModifiable(ctx.caller, gallery, ctx.param('image_name'));
    if (!gallery.getImage(ctx.param('image_name'))) throw new HttpError(404, 'Image not found');
    const { deleted, affectedBoards } = gallery.deleteImages([ctx.param('image_name')]);
    for (const name of deleted) files.forget(name);
    return json({ affected_boards: affectedBoards, deleted_images: deleted, failed_images: [] });
  });

  const full = (ctx: RequestContext, head: boolean): Reply => {
    const r = record(ctx);
    const png = files.png(r);
    return {
      status: 200,
      body: head ? Buffer.alloc(0) : png,
      contentType: 'image/png',
      headers: {
        'cache-control': imageCache(ctx),
        'content-disposition': `inline; filename="${r.image_name}"`,
        ...(head ? { 'content-length': String(png.length) } : {}),
      },
    };
  };
  router.get('/api/v1/images/i/{image_name}/full', (ctx) => full(ctx, false));
  router.head('/api/v1/images/i/{image_name}/full', (ctx) => full(ctx, true));

  router.get('/api/v1/images/i/{image_name}/thumbnail', async (ctx) => ({
    status: 200,
    body: await files.thumbnail(record(ctx)),
    contentType: 'image/webp',
    headers: { 'cache-control': imageCache(ctx) },
  }));

  router.get('/api/v1/images/i/{image_name}/metadata', (ctx) => json(parseMetadata(record(ctx).metadata)));

  router.get('/api/v1/images/i/{image_name}/workflow', (ctx) => {
    const r = record(ctx);
    return json({ workflow: gallery.workflowOf(r), graph: gallery.graphOf(r) });
  });

  // URLs are built from the name alone: no lookup, so a missing image still gets them.
  router.get('/api/v1/images/i/{image_name}/urls', (ctx) => {
    const name = ctx.param('image_name');
    if (!ctx.caller.is_admin) record(ctx);
    return json({ image_name: name, image_url: imageUrl(name), thumbnail_url: thumbnailUrl(name) });
  });

  router.post('/api/v1/images/upload', async (ctx) => {
    const q = ctx.queryReader();
    const category = q.enumValue('image_category', IMAGE_CATEGORIES, null, { required: true });
    const isIntermediate = q.bool('is_intermediate', null, { required: true });
    const boardId = q.str('board_id');
    const sessionId = q.str('session_id');
    const crop = q.bool('crop_visible', null) ?? false;
    const upload = await readMultipart(ctx);
    if (!upload.file) q.errors.push({ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null });
    q.done();
    assertUploadBoard(ctx.caller, gallery, boardId);
    const file = upload.file!;
    if (!file.mimeType.startsWith('image')) throw new HttpError(415, 'Not an image');
    let image = await decodeImage(file.data);
    if (!image) throw new HttpError(415, 'Failed to read image');
    if (upload.fields.resize_to !== undefined) {
      const size = parseMetadata(upload.fields.resize_to);
      const w = Number(size?.width);
      const h = Number(size?.height);
      if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w * h > 4096 * 4096) {
        throw new HttpError(400, 'Invalid resize_to format or size');
      }
      image = await resizeTo(image, w, h);
    }
    if (crop) image = cropVisible(image);
    // Metadata: the form field when it is a JSON object, else the PNG's own chunk.
    const chunks = readPngText(file.data);
    const formMetadata = upload.fields.metadata !== undefined ? parseMetadata(upload.fields.metadata) : null;
    const metadata = formMetadata
      ? JSON.stringify(formMetadata)
      : parseMetadata(chunks.invokeai_metadata ?? null)
        ? chunks.invokeai_metadata!
        : null;
    // Embedded workflow and graph are kept only when they parse as what they claim to be.
    const workflow = validWorkflow(chunks.invokeai_workflow);
    const graph = validGraph(chunks.invokeai_graph);
    const text: Record<string, string> = {};
    if (metadata) text.invokeai_metadata = metadata;
    if (workflow) text.invokeai_workflow = workflow;
    if (graph) text.invokeai_graph = graph;
    const created = gallery.addImage({
      image_origin: 'external',
      image_category: category as ImageCategory,
      width: image.width,
      height: image.height,
      is_intermediate: isIntermediate === true,
      board_id: boardId,
      session_id: sessionId,
      node_id: null,
      metadata,
      workflow,
      graph,
      source: { kind: 'file', png: encodePng(image, text) },
      user_id: ctx.caller.user_id,
    });
    return json(imageDTO(created), 201, { location: `api/v1/images/i/${created.image_name}/full` });
  });

  router.post('/api/v1/images/star', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    const { changed, affectedBoards } = gallery.setStarred(modifiable(ctx, names), true);
    return json({ affected_boards: affectedBoards, starred_images: changed, failed_images: [] });
  });

  router.post('/api/v1/images/unstar', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    const { changed, affectedBoards } = gallery.setStarred(modifiable(ctx, names), false);
    return json({ affected_boards: affectedBoards, unstarred_images: changed, failed_images: [] });
  });

  router.post('/api/v1/images/delete', async (ctx) => {
    const body = await ctx.bodyReader();
    const names = body.strList('image_names', { maxItems: 1000, itemMaxLength: 255 });
    body.done();
    // Names that do not exist, or that the caller may not delete, are skipped, not reported as failed.
    const { deleted, affectedBoards } = gallery.deleteImages(modifiable(ctx, names));
    for (const name of deleted) files.forget(name);
    return json({ affected_boards: affectedBoards, deleted_images: deleted, failed_images: [] });
  });

  router.delete('/api/v1/images/uncategorized', (ctx) => {
    const { deleted, affectedBoards } = gallery.deleteImages(
      gallery.namesWhere((r) => r.board_id === null && canModifyImage(ctx.caller, gallery, r)),
    );
    for (const name of deleted) files.forget(name);
    return json({ affected_boards: affectedBoards, deleted_images: deleted, failed_images: [] });
  });

  router.get('/api/v1/images/intermediates', (ctx) =>
    json(
      ctx.caller.is_admin
        ? gallery.intermediateCount()
        : gallery.namesWhere((r) => r.is_intermediate && r.user_id === ctx.caller.user_id).length,
    ),
  );

  router.delete('/api/v1/images/intermediates', (ctx) => {
    if (!ctx.caller.is_admin) throw new HttpError(403, 'Only admins can clear all intermediates');
    const { deleted } = gallery.deleteImages(gallery.namesWhere((r) => r.is_intermediate));
    for (const name of deleted) files.forget(name);
    return json(deleted.length);
  });
}
