export * from './greengrass-core-endpoints';
export * from './greengrass-core-iot-policy';
export * from './nucleus-configuration';
