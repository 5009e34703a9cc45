export * from './endpoint';
export * from './dns';
export * from './policy';
