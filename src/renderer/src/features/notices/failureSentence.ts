import { IvkError, type ErrorCode } from '../../../../shared/ipc';

/** What the user can do about each kind of failure main reports. */
const ADVICE: Record<ErrorCode, string> = {
  unreachable: 'Check that the InvokeAI server is running and that its address in Settings is right.',
  http: 'The server refused it. Try again; if it keeps failing, look at the server’s log.',
  invalid_payload: 'The server answered something this app does not understand. Check that it runs InvokeAI 6.',
  not_found: 'It may have been deleted elsewhere; the gallery refreshes on its own.',
  conflict: 'Something else changed it at the same time. Try again.',
  invalid_input: 'This is a bug in the app. Please report it with what you were doing.',
  unknown_channel: 'This is a bug in the app. Please restart it and report what you were doing.',
  forbidden_sender: 'This is a bug in the app. Please restart it and report what you were doing.',
  internal: 'Try again; if it happens again, restart the app.',
  not_allowed: 'Nothing was changed. Ask the board’s owner or an admin if you need this done.',
};

/** "Couldn't star 3 images: the server timed out. Check that …" — what failed, why, what to do. */
export function failureSentence(what: string, error: unknown): string {
  const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
  const advice = error instanceof IvkError ? ADVICE[error.code] : ADVICE.internal;
  return `Couldn’t ${what}: ${reason}. ${advice}`;
}
