// The models room's public face: the HF hub cache as a catalogue, the offline check, VRAM planning.
export { readCatalogue, type Catalogue, type CatalogueEntry } from './catalogue.js';
export { checkModel, modelRefusal, type ModelCheck, type CheckCluster } from './model-check.js';
export { memoryPlan, type MemoryPlan, type PlanSettings } from './memory-plan.js';
export { checkHubId, isModelPath, refusePathTraversal } from './model-id.js';
export { gpuOf } from './gpu-config.js';
export { formatGib, GIB, DEFAULT_GPU_MEMORY_UTILIZATION, type VramEstimate } from './vram.js';
