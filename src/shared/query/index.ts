export * from './fields';
export * from './parse';
export * from './edit';
export { WORD, hasWord } from './words';
