export * from './cross-account-iot-endpoint-service';
export * from './iot-endpoint-service-consumer';
export * from './iot-zone-profile';
export * from './iot-zone-vpc-association';
