export * from './vpce-only-iot-policy';
