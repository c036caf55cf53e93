// Not part of this broken variant: the document's pool is in pool.ts. The spawner is the
// reference one, so that only the pool's checks fail here.
export * from '../../../../solutions/q44-worker-memory-leak/spawner.ts';
