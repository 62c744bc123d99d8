import { describe, expect, it } from 'vitest';
import { useTarget } from './harness';
import { expectResponse } from './schema';

const t = useTarget();

describe('app info and routing', () => {
  it('answers GET /api/v1/app/version with the 6.14.2 version object', async () => {
    const res = await t.api.get('/api/v1/app/version');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.json).toEqual({ version: '6.14.2' });
    expectResponse('get', '/api/v1/app/version', res);
  });

  it('reports single-user mode on GET /api/v1/auth/status', async () => {
    const res = await t.api.get('/api/v1/auth/status');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expectResponse('get', '/api/v1/auth/status', res);
    expect(res.json.multiuser_enabled).toBe(false);
    expect(res.json.setup_required).toBe(false);
  });

  it('serves the web UI (200 text/html) for GET on a path no API route matches', async () => {
    for (const path of ['/api/v1/no-such-route', '/api/v1/images/i', '/some/page']) {
      const res = await t.api.get(path);
      expect(res.status, path).toBe(200);
      expect(res.type, path).toBe('text/html');
    }
  });

  it('serves the web UI for list routes asked without their trailing slash', async () => {
    for (const path of ['/api/v1/boards', '/api/v1/images', '/api/v2/models']) {
      const res = await t.api.get(path, path === '/api/v1/boards' ? { all: true } : {});
      expect(res.status, path).toBe(200);
      expect(res.type, path).toBe('text/html');
    }
  });

  it('answers 405 with a JSON detail for POST, PUT and DELETE on unknown paths', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await t.api.request(method, '/api/v1/no-such-route');
      expect(res.status, method).toBe(405);
      expect(res.type).toBe('application/json');
      expect(res.json).toEqual({ detail: 'Method Not Allowed' });
    }
  });
});
