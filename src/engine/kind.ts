import type { Change } from './change.js';
import type { ChangeKind } from './report.js';

/** Reads what kind of change this is from its title, labels and shape. (Placeholder.) */
export function readKind(change: Change): { kind: ChangeKind; source: string } {
  void change;
  return { kind: 'feature', source: 'default' };
}
