export * from './endpoint';
export * from './dns';
