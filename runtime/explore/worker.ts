// Piscina worker entry: evaluates one design point per task (see evaluate.ts).
import { evaluatePoint, type PointResult, type PointTask } from './evaluate.js';

export default function runTask(task: PointTask): PointResult {
  return evaluatePoint(task);
}
