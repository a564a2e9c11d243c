/** A node (or layer) Nabla cannot run or write, and why. */
export interface Unsupported {
  name: string;
  opType: string;
  reason: string;
}

/** How many unsupported nodes a message lists before "… and N more". */
export const LIST_LIMIT = 10;

/**
 * Every unsupported node by name and op type, one per line, capped at LIST_LIMIT lines: the user
 * sees at once all that stands between the file and a network, not just the first problem.
 */
export function formatUnsupported(list: readonly Unsupported[]): string {
  const lines = list.slice(0, LIST_LIMIT).map((u) => `  ${u.name || '(unnamed)'} (${u.opType}): ${u.reason}`);
  if (list.length > LIST_LIMIT) lines.push(`  … and ${list.length - LIST_LIMIT} more`);
  return `${list.length} unsupported node${list.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}
