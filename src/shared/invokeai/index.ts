export * from './time';
export * from './images';
export * from './boards';
export * from './queue';
export * from './models';
export * from './events';
export * from './errors';
export * from './auth';
