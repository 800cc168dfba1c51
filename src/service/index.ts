// The service room's public API: what the CLI and the suite runner (dispatch) import.
export { startService, waitService, DetachReason, newServiceId, checkRetryOom, DEFAULT_START_TIMEOUT_MS, type ClusterSession, type StartServiceInput, type ServiceHooks } from './lifecycle.js';
export { startServiceGroup, resolveServices, checkReplicas, liveMembers, replicaIds } from './group.js';
export { measureServiceVram } from './vram-measure.js';
export { serviceGroupStatus } from './group-status.js';
export { stopService, DEFAULT_STOP_TIMEOUT_MS, type StopResult, type StopOptions } from './stop.js';
export { openServiceEndpoint, openServiceTarget, type ServiceEndpointHandle, type ServiceBenchTarget } from './open.js';
export { listServices, surveyServices, serviceStatus, serviceLogs, type ServiceSurvey, type UnreachableCluster } from './query.js';
export { serviceModels, processModelsCache } from './models.js';
export { SERVICE_ID } from './id.js';
export { ModelsCache, cachedModels } from './models-cache.js';
export type { ModelsAnswer } from './models-entry.js';
export { ServiceStore } from './store.js';
export { findService, getService, onServiceCluster, openTarget } from './session.js';
export { isFinalStatus, SERVICE_STATUSES, type ServiceRecord, type ServiceStatus, type ServiceEndpoint, type ServiceAttempt, type ServiceVram } from './record.js';
export type { ServiceProgress, ServicePhase } from './wait-ready.js';
export { openServiceForClusterClient, type ServiceForClusterClient } from './cluster-client.js';
export { openBenchTarget, openClusterBenchTarget, type ReplicaInfo } from './open-group.js';
