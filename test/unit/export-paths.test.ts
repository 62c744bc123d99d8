import { describe, expect, it } from 'vitest';
import { exportPath, folderName, stamp } from '../../src/main/export';
import { parametersText } from '../../src/main/handoff';
import type { ImageDetails } from '../../src/shared/ipc';

describe('export file names', () => {
  const entry = { image_name: 'a1b2.png', board_name: 'Client: Harbor Books', created_at: new Date('2026-03-04T05:06:07.890Z') };

  it('uses the image name, or board/date_time_name in UTC', () => {
    expect(exportPath(entry, 'name')).toBe('a1b2.png');
    expect(exportPath(entry, 'board_date_name')).toBe('Client_ Harbor Books/2026-03-04_050607_a1b2.png');
    expect(exportPath({ ...entry, board_name: null }, 'board_date_name')).toBe('Uncategorized/2026-03-04_050607_a1b2.png');
    expect(stamp(new Date('1999-12-31T23:59:59Z'))).toBe('1999-12-31_235959');
  });

  it('turns any board name into one folder that stays inside the export folder', () => {
    expect(folderName('../../etc')).toBe('.._.._etc');
    expect(folderName('..')).toBe('Board');
    expect(folderName('a/b\\c')).toBe('a_b_c');
    expect(folderName('  trailing dots... ')).toBe('trailing dots');
    expect(folderName('CON')).toBe('CON_');
    expect(folderName('tab\there')).toBe('tab_here');
    expect(folderName('x'.repeat(300))).toHaveLength(100);
    expect(folderName('')).toBe('Board');
  });
});

describe('parameters as text', () => {
  const details: ImageDetails = {
    image: {
      kind: 'image',
      image_name: 'img.png',
      board_id: null,
      image_category: 'general',
      width: 512,
      height: 768,
      created_at: null,
      updated_at: null,
      starred: false,
      metadata: {
        positive_prompt: 'a fox',
        seed: 7,
        loras: [{ model: { key: 'k', name: 'detail' }, weight: 0.6 }],
        clip_skip: 2,
        nested: { ignored: true },
      },
      thumbnail_url: null,
      image_url: null,
      is_intermediate: false,
      workflow_id: null,
      node_id: null,
      session_id: null,
    },
    board_name: null,
    positive_prompt: 'a fox',
    negative_prompt: null,
    seed: 7,
    model_name: 'dream',
    model_base: 'sdxl',
    steps: 30,
    cfg_scale: 6.5,
    scheduler: 'euler',
    job_id: null,
    metadata_loaded: true,
  };

  it('lists the known fields first, then the other simple ones, and leaves empty ones out', () => {
    expect(parametersText(details)).toBe(
      [
        'Prompt: a fox',
        'Model: dream (sdxl)',
        'Seed: 7',
        'Steps: 30',
        'CFG scale: 6.5',
        'Scheduler: euler',
        'Size: 512x768',
        'LoRAs: detail @ 0.6',
        'clip_skip: 2',
        'Image: img.png',
      ].join('\n'),
    );
  });
});
