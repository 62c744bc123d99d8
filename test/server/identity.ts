/** The built-in single-user owner, as the real server names it in DTOs and events. */
export const SYSTEM_USER_ID = 'system';
export const SYSTEM_DISPLAY_NAME = 'System';
export const SYSTEM_EMAIL = 'system@system.invokeai';
/** The device a real CPU-only server reports for a job that has started. */
export const JOB_DEVICE = 'cpu';
