import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/theme.css';
import { App } from './app/App';
import { useStore } from './app/store';

// Loaded by boot.ts once the bridge exists. The theme is imported first so that feature
// stylesheets, bundled after it, win ties.

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
