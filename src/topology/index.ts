export * from './iot-account-stack';
export * from './network-account-stack';
export * from './consumer-account-stack';
