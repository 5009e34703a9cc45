export * from './connectivity-canary';
