export * from './vpce-only-iot-policy';
export * from './iot-policy-network';
