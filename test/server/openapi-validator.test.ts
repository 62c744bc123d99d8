/** The schema validator itself must reject what the real server would never send. */
import { describe, expect, it } from 'vitest';
import { eventComponentName, matchPathTemplate, validateComponent, validateEvent, validateResponse } from '../support/openapi';
import { generateModels } from './data/models';

describe('test/support/openapi', () => {
  it('rejects missing, extra and mistyped fields', () => {
    expect(validateComponent('ImageDTO', { image_name: 'x.png' }).valid).toBe(false);
    expect(validateComponent('BoardChanges', { starred: true }).errors.join()).toContain('additional');
    expect(validateResponse('get', '/api/v1/images/names', 200, { image_names: [], starred_count: '0', total_count: 0 }).valid).toBe(false);
    expect(validateEvent('batch_enqueued', { queue_id: 'default' }).valid).toBe(false);
    expect(validateComponent('NoSuchThing', {}).valid).toBe(false);
  });

  it('narrows big unions by their const fields', () => {
    const graph = (node: object) => ({ id: 'g', nodes: { n: node }, edges: [] });
    expect(validateComponent('Graph', graph({ id: 'n', type: 'blank_image', width: 8 })).valid).toBe(true);
    expect(validateComponent('Graph', graph({ id: 'n', type: 'blank_image', width: 'wide' })).errors.join()).toContain(
      'BlankImageInvocation',
    );
    expect(validateComponent('Graph', graph({ id: 'n', type: 'not_a_node' })).errors.join()).toContain('no member');
    const [model] = generateModels();
    expect(validateResponse('get', '/api/v2/models/', 200, { models: [model] }).valid).toBe(true);
    expect(validateResponse('get', '/api/v2/models/', 200, { models: [{ ...model, format: 'olive' }] }).valid).toBe(false);
  });

  it('accepts undocumented error statuses as FastAPI errors only', () => {
    expect(validateResponse('get', '/api/v1/images/i/{image_name}', 404, { detail: 'Not Found' }).valid).toBe(true);
    expect(validateResponse('get', '/api/v1/images/i/{image_name}', 404, { message: 'nope' }).valid).toBe(false);
    expect(validateResponse('get', '/api/v1/images/i/{image_name}', 204, null).valid).toBe(false);
  });

  it('requires output_meta on every invocation result, except where exclude_none drops it', () => {
    const result = { type: 'image_output', image: { image_name: 'a.png' }, width: 8, height: 8 };
    const item = (r: object, extra: object = {}) => ({
      item_id: 1,
      status: 'completed',
      batch_id: 'b',
      queue_id: 'default',
      session_id: 's',
      priority: 0,
      created_at: '2026-12-07 00:07:21.843',
      updated_at: '2026-12-07 00:07:22.910',
      session: {
        id: 's',
        graph: { id: 'g', nodes: {}, edges: [] },
        execution_graph: { id: 'e', nodes: {}, edges: [] },
        executed: [],
        executed_history: [],
        results: { n: r },
        errors: {},
        workflow_call_stack: [],
        workflow_call_history: [],
        prepared_source_mapping: {},
        source_prepared_mapping: {},
      },
      ...extra,
    });
    expect(validateComponent('ImageOutput', result).errors.join()).toContain('output_meta');
    expect(validateComponent('ImageOutput', { ...result, output_meta: null }).valid).toBe(true);
    expect(validateResponse('get', '/api/v1/queue/{queue_id}/list_all', 200, [item(result)]).errors.join()).toContain('output_meta');
    expect(validateResponse('get', '/api/v1/queue/{queue_id}/list_all', 200, [item({ ...result, output_meta: null })]).valid).toBe(true);
    const single = '/api/v1/queue/{queue_id}/i/{item_id}';
    expect(validateResponse('get', single, 200, item(result)).valid).toBe(true);
    expect(validateResponse('get', single, 200, item({ ...result, output_meta: null })).errors.join()).toContain('exclude_none');
    expect(validateResponse('get', single, 200, item(result, { error_type: null })).errors.join()).toContain('/error_type');
  });

  it('maps paths and event names', () => {
    expect(matchPathTemplate('/api/v1/images/names')).toBe('/api/v1/images/names');
    expect(matchPathTemplate('/api/v1/images/i/a.png/full', 'HEAD')).toBe('/api/v1/images/i/{image_name}/full');
    expect(matchPathTemplate('/api/v1/queue/default/b/x/status')).toBe('/api/v1/queue/{queue_id}/b/{batch_id}/status');
    expect(matchPathTemplate('/api/v1/boards')).toBeUndefined();
    expect(eventComponentName('queue_item_status_changed')).toBe('QueueItemStatusChangedEvent');
    expect(eventComponentName('llm_task_complete')).toBe('LLMTaskCompleteEvent');
  });
});
