export * from './iot-private-hosted-zone';
