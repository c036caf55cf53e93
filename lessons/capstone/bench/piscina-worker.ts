// The benchmark's worker for piscina: piscina calls the default export once per task.
import { work, type BenchTask } from './work.ts';

export default function (task: BenchTask): number {
  return work(task);
}
