/**
 * Everything the stand-in holds, in one object: the gallery, the session queue, models and image
 * files. Routes work on it, and tests get it as `standIn.state` for setup and assertions.
 */
import type { Gallery } from './data/gallery';
import type { ModelConfig } from './data/models';
import type { EventHub } from './events';
import { ImageFiles } from './imaging';
import { QueueStore } from './queue-store';
import { SessionQueue, type ProcessorOptions } from './session-queue';
import { GalleryStore } from './store';
import { VideoFiles } from './video-store';

export const VERSION = '6.14.2';

export class StandInState {
  readonly gallery: GalleryStore;
  readonly queue: SessionQueue;
  readonly models: ModelConfig[];
  readonly files: ImageFiles;
  /** MP4 bytes and thumbnails of the videos (`gallery.videos`). */
  readonly videoFiles = new VideoFiles();

  constructor(seed: Gallery, events: EventHub, processor: ProcessorOptions) {
    this.gallery = new GalleryStore(seed);
    this.files = new ImageFiles(this.gallery);
    this.models = seed.models;
    this.queue = new SessionQueue(new QueueStore(seed.queueItems), this.gallery, events, processor);
  }
}
