// Benchmark helpers injected into the gallery page before its own scripts (page.addInitScript).
// Plain browser JavaScript, read as text: the bench is type-checked without the DOM library, and
// nothing here should be rewritten by a TypeScript compiler on its way into the page.
//
// window.__bench:
//   waitPainted(since, timeoutMs)  the performance.now() of the first frame after every cell in
//                                  view has its thumbnail <img> loaded and decoded, at or after
//                                  `since` ({at, cells} or {timeout, cells, missing})
//   firstPainted                   the same, started as the document began (cold start)
//   waitFlag(since, timeoutMs)     the renderer's own data-gallery-painted, once set at/after `since`
//   jump(to)                       sets the grid's scrollTop (no gesture)
//   startFrames() / stopFrames()   records requestAnimationFrame intervals and long tasks between
//                                  the two calls (the scrolling itself is a real input gesture,
//                                  sent over CDP: see grid.ts)
//   armStop(timeoutMs)             before a gesture: when the grid next stops scrolling
//                                  (scrollend), times from its last scroll event to every thumbnail
//                                  in view painted, and to the renderer's own flag; stopResult()
//                                  answers it
//   geometry()                     the grid's centre, scroll position and size, columns and rows
//   domCounts()                    elements and <img>s in the document
//   domContentLoaded()             when the document's DOMContentLoaded handlers had run
//   syncing()                      whether the status bar shows sync progress
//   clickBoard(name, timeoutMs)    clicks a board in the sidebar, then times it to every thumbnail
//                                  in view painted and to the renderer's flag
//   thumbnailLoads(from, to)       thumbnail responses that ended between two times: how many,
//                                  how many were asked for before `from`, their mean duration
(() => {
  const PAINT_TIMEOUT_MS = 30000;
  const grid = () => document.querySelector('[role=grid]');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

  const visibleCells = (root) => {
    const view = root.getBoundingClientRect();
    return [...root.querySelectorAll('[role=gridcell]')].filter((cell) => {
      const rect = cell.getBoundingClientRect();
      return rect.bottom > view.top && rect.top < view.bottom && rect.height > 0;
    });
  };

  async function waitPainted(since, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    let cells = [];
    for (;;) {
      const now = await frame();
      const root = grid();
      if (root && now >= since) {
        cells = visibleCells(root);
        const ready =
          cells.length > 0 &&
          cells.every((cell) => {
            if (cell.getAttribute('aria-busy') === 'true') return false;
            const img = cell.querySelector('img');
            return img !== null && img.complete && img.naturalWidth > 0;
          });
        if (ready) {
          const images = cells.map((cell) => cell.querySelector('img'));
          const decoded = await Promise.all(
            images.map((img) =>
              img.decode().then(
                () => true,
                () => false,
              ),
            ),
          );
          // Every one decoded and still in the page (no re-render meanwhile): the next frame shows them.
          if (decoded.every(Boolean) && images.every((img) => img.isConnected)) {
            const at = await frame();
            return { at, cells: cells.length };
          }
        }
      }
      if (performance.now() > deadline) {
        const missing = cells.filter((cell) => !(cell.querySelector('img') && cell.querySelector('img').complete)).length;
        return { timeout: true, cells: cells.length, missing };
      }
    }
  }

  async function waitFlag(since, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = document.documentElement.dataset.galleryPainted;
      if (value !== undefined && Number(value) >= since) return Number(value);
      if (performance.now() > deadline) return null;
      await frame();
    }
  }

  const jump = (to) => {
    grid().scrollTop = to;
  };

  let recording = null;
  function startFrames() {
    const state = { deltas: [], longTasks: [], last: null, running: true, observer: null };
    state.observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => state.longTasks.push(entry.duration)));
    try {
      state.observer.observe({ type: 'longtask', buffered: false });
    } catch {
      // No long-task timing here: the frame intervals still tell.
    }
    const tick = (now) => {
      if (!state.running) return;
      if (state.last !== null) state.deltas.push(now - state.last);
      state.last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    recording = state;
  }
  function stopFrames() {
    const state = recording;
    recording = null;
    state.running = false;
    state.observer.disconnect();
    return { deltas: state.deltas, longTasks: state.longTasks, scrollTop: grid().scrollTop };
  }

  // The timeStamp of the grid's latest scroll event, in performance.now() time.
  let lastScrollAt = 0;
  document.addEventListener('scroll', (event) => (lastScrollAt = event.timeStamp), { capture: true, passive: true });

  let stop = null;
  function armStop(timeoutMs) {
    stop = new Promise((resolve) => {
      const root = grid();
      root.addEventListener(
        'scrollend',
        async () => {
          const stoppedAt = lastScrollAt;
          const syncingAtStop = syncing();
          const [painted, flag] = await Promise.all([waitPainted(stoppedAt, timeoutMs), waitFlag(stoppedAt, timeoutMs)]);
          const end = painted.timeout ? performance.now() : painted.at;
          resolve({
            painted_ms: painted.timeout ? null : painted.at - stoppedAt,
            flag_ms: flag === null ? null : flag - stoppedAt,
            cells: painted.cells,
            scroll_top: root.scrollTop,
            thumbnails: thumbnailLoads(stoppedAt, end),
            syncing: syncingAtStop || syncing(),
          });
        },
        { once: true },
      );
    });
  }
  const stopResult = () => stop;

  function geometry() {
    const root = grid();
    const rect = root.getBoundingClientRect();
    return {
      x: Math.round(rect.left + rect.width / 2),
      y: Math.round(rect.top + rect.height / 2),
      scrollTop: root.scrollTop,
      scrollHeight: root.scrollHeight,
      clientHeight: root.clientHeight,
      max: root.scrollHeight - root.clientHeight,
      columns: Number(root.getAttribute('aria-colcount')),
      rows: Number(root.getAttribute('aria-rowcount')),
    };
  }

  // Every thumbnail response, in page time (resource timing), to see what a wait was spent on.
  const thumbnails = [];
  performance.setResourceTimingBufferSize(1000000);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name.includes('/media/thumbnails/')) thumbnails.push({ start: entry.startTime, end: entry.responseEnd });
    }
  }).observe({ type: 'resource', buffered: true });

  function thumbnailLoads(from, to) {
    const ended = thumbnails.filter((load) => load.end >= from && load.end <= to);
    const askedBefore = ended.filter((load) => load.start < from).length;
    const mean = ended.reduce((sum, load) => sum + (load.end - load.start), 0) / Math.max(1, ended.length);
    return { ended: ended.length, asked_before: askedBefore, mean_ms: Math.round(mean), total: thumbnails.length };
  }

  const syncing = () => document.querySelector('[role=progressbar][aria-label="Sync progress"]') !== null;

  async function clickBoard(name, timeoutMs) {
    const button = [...document.querySelectorAll('ul[aria-label="Boards"] button.board-select')].find(
      (candidate) => candidate.getAttribute('aria-label') === name,
    );
    if (!button) throw new Error(`No board "${name}" in the sidebar`);
    const start = performance.now();
    button.click();
    const [painted, flag] = await Promise.all([waitPainted(start, timeoutMs), waitFlag(start, timeoutMs)]);
    return { painted_ms: painted.timeout ? null : painted.at - start, flag_ms: flag === null ? null : flag - start, cells: painted.cells };
  }

  // Every bridge call (the test host's WebSocket), in page time: what the start waited on.
  const calls = [];
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      const opened = performance.now();
      this.addEventListener('open', () => calls.push({ channel: '(socket open)', sent: opened, answered: performance.now() }), {
        once: true,
      });
      this.addEventListener('message', (message) => {
        const match = /^\{"type":"result","id":(\d+)/.exec(message.data);
        const call = match && calls.find((entry) => entry.id === Number(match[1]));
        if (call) call.answered = performance.now();
      });
    }
    send(data) {
      const match = /^\{"type":"invoke","id":(\d+),"channel":"([^"]+)"/.exec(data);
      if (match) calls.push({ id: Number(match[1]), channel: match[2], sent: performance.now(), answered: null });
      super.send(data);
    }
  };

  /** Navigation start → first paint of the grid, step by step (all in ms since navigation start). */
  function bootTrace() {
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance
      .getEntriesByType('resource')
      .filter((entry) => /\.(js|css)$/.test(entry.name))
      .map((entry) => ({ file: entry.name.split('/').pop(), start: Math.round(entry.startTime), end: Math.round(entry.responseEnd) }));
    const sorted = [...thumbnails].sort((a, b) => a.start - b.start);
    const firstScreen = sorted.slice(0, 40);
    return {
      response_end: Math.round(nav?.responseEnd ?? 0),
      dom_content_loaded: Math.round(nav?.domContentLoadedEventEnd ?? 0),
      first_paint: Math.round(performance.getEntriesByName('first-paint')[0]?.startTime ?? 0),
      scripts,
      calls: calls.slice(0, 20).map((call) => ({
        channel: call.channel,
        sent: Math.round(call.sent),
        answered: call.answered === null ? null : Math.round(call.answered),
      })),
      thumbnails: {
        first_asked: Math.round(sorted[0]?.start ?? 0),
        first_screen_last_asked: Math.round(Math.max(0, ...firstScreen.map((load) => load.start))),
        first_screen_last_ended: Math.round(Math.max(0, ...firstScreen.map((load) => load.end))),
        first_screen_mean_ms: Math.round(
          firstScreen.reduce((sum, load) => sum + load.end - load.start, 0) / Math.max(1, firstScreen.length),
        ),
      },
    };
  }

  const domCounts = () => ({ nodes: document.getElementsByTagName('*').length, imgs: document.images.length });
  const domContentLoaded = () => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null;

  window.__bench = {
    waitPainted,
    waitFlag,
    jump,
    startFrames,
    stopFrames,
    armStop,
    stopResult,
    geometry,
    domCounts,
    domContentLoaded,
    thumbnailLoads,
    syncing,
    clickBoard,
    bootTrace,
    firstPainted: waitPainted(0, PAINT_TIMEOUT_MS),
  };
})();
