// Not part of this broken variant: the document's spawner is in spawner.ts. The pool is the
// reference one, so that only the spawner's checks fail here.
export * from '../../../../solutions/q44-worker-memory-leak/pool.ts';
