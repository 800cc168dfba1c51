// The service room's public API: what the CLI and the suite runner (dispatch) import.
export { startService, stopService, waitService, DetachReason, newServiceId, DEFAULT_START_TIMEOUT_MS, type ServiceTarget, type StartServiceInput, type ServiceHooks, type StopResult } from './lifecycle.js';
export { openServiceEndpoint, openServiceTarget, type ServiceEndpointHandle, type ServiceBenchTarget } from './open.js';
export { listServices, serviceStatus, serviceLogs } from './query.js';
export { serviceModels, processModelsCache } from './models.js';
export { SERVICE_ID } from './record.js';
export { ModelsCache, cachedModels, type ModelsAnswer } from './models-cache.js';
export { ServiceStore, defaultStorePath } from './store.js';
export { findService, getService, onServiceCluster, openTarget } from './session.js';
export { ServiceError, isFinalStatus, SERVICE_STATUSES, type ServiceRecord, type ServiceStatus, type ServiceEndpoint } from './record.js';
export type { ServiceProgress, ServicePhase } from './wait-ready.js';
