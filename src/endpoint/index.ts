export * from './iot-endpoint-service';
export * from './types';
export * from './private-iot-data-endpoint';
