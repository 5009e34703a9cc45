export * from './endpoint';
export * from './dns';
export * from './front-door';
export * from './sharing';
export * from './policy';
export * from './probe';
export * from './topology';
export * from './verify';
