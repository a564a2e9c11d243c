/** A node (or layer) Nabla cannot run or write, and why. */
export interface Unsupported {
  /** The node's name in the graph ('' when it has none), or on export the module's path. */
  name: string;
  /** Its ONNX operator type ('Conv', 'LSTM', …), or on export the module's type name. */
  opType: string;
  /** Why it cannot be imported or exported, in a sentence. */
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
