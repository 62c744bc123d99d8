export { Handoff, NO_DESKTOP, type DesktopShell } from './handoff';
export { parametersText } from './parameters';
