import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ImageDTO } from '../../../src/shared/invokeai';
import { ApiError, describeApiError, describeZodFailure, detailFromBody } from '../../../src/main/api/errors';

const label = { method: 'GET', route: '/api/v1/images/' };
const json = 'application/json';

describe('detailFromBody', () => {
  it('turns a 422 detail list into readable lines', () => {
    const body = JSON.stringify({
      detail: [
        {
          type: 'less_than_equal',
          loc: ['query', 'limit'],
          msg: 'Input should be less than or equal to 1000',
          input: '5000',
          ctx: { le: 1000 },
        },
      ],
    });
    expect(detailFromBody(422, body, json)).toBe('query.limit: Input should be less than or equal to 1000');
  });

  it('joins several validation failures', () => {
    const body = JSON.stringify({
      detail: [
        { type: 'missing', loc: ['body', 'image_names'], msg: 'Field required', input: {} },
        { type: 'enum', loc: ['query', 'categories', 0], msg: "Input should be 'general'", input: 'x' },
      ],
    });
    expect(detailFromBody(422, body, json)).toBe("body.image_names: Field required; query.categories.0: Input should be 'general'");
  });

  it('uses a string detail as is, and the message of an object detail', () => {
    expect(detailFromBody(415, '{"detail":"Not an image"}', json)).toBe('Not an image');
    const partial = { detail: { message: 'Failed to delete all images', deleted_images: [], board_deleted: false } };
    expect(detailFromBody(500, JSON.stringify(partial), json)).toBe('Failed to delete all images');
  });

  it('keeps a plain-text body and replaces an HTML one with the status text', () => {
    expect(detailFromBody(500, 'Internal Server Error', 'text/plain; charset=utf-8')).toBe('Internal Server Error');
    expect(detailFromBody(502, '<html><body>nginx</body></html>', 'text/html')).toBe('Bad Gateway');
    expect(detailFromBody(503, '', '')).toBe('Service Unavailable');
  });
});

describe('describeZodFailure', () => {
  it('names the field path that failed, the way the server names the type', () => {
    const good = {
      image_name: 'a.png',
      image_url: 'u',
      thumbnail_url: 't',
      image_origin: 'internal',
      image_category: 'general',
      width: 1,
      height: 1,
      created_at: '2026-08-19 01:13:04.123',
      updated_at: '2026-08-19 01:13:04.123',
      is_intermediate: false,
      starred: false,
      has_workflow: false,
      board_id: null,
    };
    const data = [good, good, good, { ...good, width: '512' }];
    const result = z.array(ImageDTO).safeParse(data);
    expect(result.success).toBe(false);
    if (result.success) return;
    const { path, problem } = describeZodFailure('ImageDTO', result.error, data);
    expect(`${path}: ${problem}`).toBe('ImageDTO[3].width: expected number, got string');

    const missing = ImageDTO.safeParse({ ...good, starred: undefined });
    if (missing.success) throw new Error('should fail');
    expect(describeZodFailure('ImageDTO', missing.error, { ...good, starred: undefined })).toEqual({
      path: 'ImageDTO.starred',
      problem: 'expected boolean, but it is missing',
    });

    const badEnum = ImageDTO.safeParse({ ...good, image_category: 'photo' });
    if (badEnum.success) throw new Error('should fail');
    expect(describeZodFailure('ImageDTO', badEnum.error, { ...good, image_category: 'photo' }).problem).toBe(
      'expected one of "general", "mask", "control", "user", "other", got "photo"',
    );
  });
});

describe('describeApiError', () => {
  const say = (info: ConstructorParameters<typeof ApiError>[0]) => describeApiError(new ApiError(info, label));

  it('tells the user what failed and what to do', () => {
    expect(say({ kind: 'unreachable', cause: 'ECONNREFUSED' })).toMatch(/cannot be reached.*running.*Settings/);
    expect(say({ kind: 'timeout', timeoutMs: 20_000 })).toMatch(/did not answer within 20 s/);
    expect(say({ kind: 'aborted' })).toBe('The request was cancelled.');
    expect(say({ kind: 'http', status: 422, detail: 'query.limit: Input should be less than or equal to 1000' })).toBe(
      'The server rejected the request: query.limit: Input should be less than or equal to 1000.',
    );
    expect(say({ kind: 'http', status: 415, detail: 'Not an image' })).toMatch(/refused the file: Not an image\. Only images/);
    expect(say({ kind: 'http', status: 500, detail: 'Internal Server Error' })).toMatch(/server failed \(500 Internal Server Error\)/);
    expect(say({ kind: 'http', status: 404, detail: 'Not Found' })).toBe('Not found on the server. It may have been deleted elsewhere.');
    expect(say({ kind: 'http', status: 404, detail: 'Board not found' })).toBe(
      'Not found on the server: Board not found. It may have been deleted elsewhere.',
    );
    expect(say({ kind: 'invalid_payload', path: 'ImageDTO[3].width', problem: 'expected number, got string' })).toMatch(
      /cannot read \(GET \/api\/v1\/images\/: ImageDTO\[3\]\.width: expected number, got string\)/,
    );
    expect(say({ kind: 'not_json', status: 200, contentType: 'text/html; charset=utf-8', broken: false })).toMatch(
      /with a web page instead of data.*not point at an InvokeAI server/,
    );
    expect(say({ kind: 'not_json', status: 200, contentType: 'application/json', broken: true })).toMatch(/damaged answer/);
  });

  it('falls back to the message of other errors', () => {
    expect(describeApiError(new Error('disk full'))).toBe('disk full');
    expect(describeApiError('odd')).toBe('odd');
  });

  it('exposes kind, status and detail, and a message naming the request', () => {
    const error = new ApiError({ kind: 'http', status: 404, detail: 'Board not found' }, { method: 'GET', route: '/api/v1/boards/x' });
    expect(error.kind).toBe('http');
    expect(error.status).toBe(404);
    expect(error.detail).toBe('Board not found');
    expect(error.message).toBe('GET /api/v1/boards/x: 404 Board not found');
    expect(new ApiError({ kind: 'aborted' }, label).status).toBeNull();
  });
});
