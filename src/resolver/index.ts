export * from './iot-resolver-inbound-endpoint';
