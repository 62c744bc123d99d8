import type { EventPayload } from '../../../../shared/ipc';
import type { SliceCreator } from '../../app/store';
import { failureSentence } from './failureSentence';

export type NoticeLevel = EventPayload<'notice'>['level'];

interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
}

export interface NoticesSlice {
  notices: readonly Notice[];
  noticeShown: (notice: { level: NoticeLevel; message: string }) => void;
  noticeDismissed: (id: number) => void;
  /** Records a failed action as an error notice worded for the user. */
  actionFailed: (what: string, error: unknown) => void;
}

const MAX_NOTICES = 4;
/** Errors stay until read for longer than news does. */
const LIFETIME_MS: Record<NoticeLevel, number> = { info: 4000, warning: 8000, error: 12000 };

let nextId = 1;

export const createNoticesSlice: SliceCreator<NoticesSlice> = (set, get) => ({
  notices: [],
  noticeShown: ({ level, message }) => {
    // A burst of identical failures (every visible page failing at once) is one notice.
    if (get().notices.some((notice) => notice.message === message)) return;
    const id = nextId++;
    set((state) => ({ notices: [...state.notices, { id, level, message }].slice(-MAX_NOTICES) }));
    setTimeout(() => get().noticeDismissed(id), LIFETIME_MS[level]);
  },
  noticeDismissed: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
  actionFailed: (what, error) => get().noticeShown({ level: 'error', message: failureSentence(what, error) }),
});
