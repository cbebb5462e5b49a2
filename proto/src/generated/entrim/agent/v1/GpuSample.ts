// Original file: entrim/agent/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface GpuSample {
  'index'?: (number);
  'uuid'?: (string);
  'name'?: (string);
  'pciBusId'?: (string);
  'utilizationPercent'?: (number | string);
  'memoryUtilizationPercent'?: (number | string);
  'memoryUsedBytes'?: (number | string | Long);
  'memoryTotalBytes'?: (number | string | Long);
  'temperatureCelsius'?: (number | string);
  'memoryTemperatureCelsius'?: (number | string);
  'powerDrawWatts'?: (number | string);
  'powerLimitWatts'?: (number | string);
  'smClockMhz'?: (number | string);
  'smClockMaxMhz'?: (number | string);
  'fanSpeedPercent'?: (number | string);
  'eccCorrectedErrors'?: (number | string | Long);
  'eccUncorrectedErrors'?: (number | string | Long);
  'xidErrors'?: (number | string | Long);
  'performanceState'?: (string);
  'lastXid'?: (number);
  'lastXidAtMs'?: (number | string | Long);
  '_utilizationPercent'?: "utilizationPercent";
  '_memoryUtilizationPercent'?: "memoryUtilizationPercent";
  '_memoryUsedBytes'?: "memoryUsedBytes";
  '_memoryTotalBytes'?: "memoryTotalBytes";
  '_temperatureCelsius'?: "temperatureCelsius";
  '_memoryTemperatureCelsius'?: "memoryTemperatureCelsius";
  '_powerDrawWatts'?: "powerDrawWatts";
  '_powerLimitWatts'?: "powerLimitWatts";
  '_smClockMhz'?: "smClockMhz";
  '_smClockMaxMhz'?: "smClockMaxMhz";
  '_fanSpeedPercent'?: "fanSpeedPercent";
  '_eccCorrectedErrors'?: "eccCorrectedErrors";
  '_eccUncorrectedErrors'?: "eccUncorrectedErrors";
  '_xidErrors'?: "xidErrors";
  '_lastXid'?: "lastXid";
  '_lastXidAtMs'?: "lastXidAtMs";
}

export interface GpuSample__Output {
  'index': (number);
  'uuid': (string);
  'name': (string);
  'pciBusId': (string);
  'utilizationPercent'?: (number);
  'memoryUtilizationPercent'?: (number);
  'memoryUsedBytes'?: (number);
  'memoryTotalBytes'?: (number);
  'temperatureCelsius'?: (number);
  'memoryTemperatureCelsius'?: (number);
  'powerDrawWatts'?: (number);
  'powerLimitWatts'?: (number);
  'smClockMhz'?: (number);
  'smClockMaxMhz'?: (number);
  'fanSpeedPercent'?: (number);
  'eccCorrectedErrors'?: (number);
  'eccUncorrectedErrors'?: (number);
  'xidErrors'?: (number);
  'performanceState': (string);
  'lastXid'?: (number);
  'lastXidAtMs'?: (number);
  '_utilizationPercent'?: "utilizationPercent";
  '_memoryUtilizationPercent'?: "memoryUtilizationPercent";
  '_memoryUsedBytes'?: "memoryUsedBytes";
  '_memoryTotalBytes'?: "memoryTotalBytes";
  '_temperatureCelsius'?: "temperatureCelsius";
  '_memoryTemperatureCelsius'?: "memoryTemperatureCelsius";
  '_powerDrawWatts'?: "powerDrawWatts";
  '_powerLimitWatts'?: "powerLimitWatts";
  '_smClockMhz'?: "smClockMhz";
  '_smClockMaxMhz'?: "smClockMaxMhz";
  '_fanSpeedPercent'?: "fanSpeedPercent";
  '_eccCorrectedErrors'?: "eccCorrectedErrors";
  '_eccUncorrectedErrors'?: "eccUncorrectedErrors";
  '_xidErrors'?: "xidErrors";
  '_lastXid'?: "lastXid";
  '_lastXidAtMs'?: "lastXidAtMs";
}
