/**
 * The compare view's pure parts: no DOM and no React, so plain-Node unit tests check them
 * (test/unit/compare-*.test.ts). The view itself is src/renderer/src/features/compare.
 */
export { diffSides, wordDiff, type WordRun } from './wordDiff';
export { formatValue, labelOf, parameterRows, type ParameterRow } from './parameterTable';
export { FITTED, pannedBy, viewIn, zoomedAt, type SharedZoom } from './syncedZoom';
