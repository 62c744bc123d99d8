import { bridgeInstalled } from './app/bridge';
import { askForFirstScreen } from './app/firstScreen';

// The window's entry, kept small: the bridge, then the first screen asked for, then the app's code
// (~1.2 MB with React; index.html preloads it meanwhile), so main answers while it loads and
// compiles (firstScreen.ts). Outside Electron (the test host, a plain browser) no preload
// defines the bridge.
if (!bridgeInstalled()) await import('./host-bridge');
askForFirstScreen();
await import('./main');
