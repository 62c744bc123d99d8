import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/theme.css';
import { App } from './app/App';
import { bridgeInstalled } from './app/bridge';
import { useStore } from './app/store';

// The theme is imported first so that feature stylesheets, bundled after it, win ties.
// Outside Electron (the test host, a plain browser) no preload defines the bridge. Nothing
// touches window.ivk while modules load, so the static imports above are safe.
if (!bridgeInstalled()) await import('./host-bridge');

// The first page and the rest of the first screen are asked for before React's first render, so
// main answers while the window renders instead of after. For the window's lifetime: no cleanup.
useStore.getState().appStarted();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
