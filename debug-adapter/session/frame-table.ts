// The ids a stop hands out: stack frames and their register scopes, valid until the guest runs again
// (DAP: frame and variable references are only good while the thread stays stopped).

import type { StackFrameInfo } from '../debugger/stack';

export interface FrameEntry {
  threadId: number;
  index: number;
  frame: StackFrameInfo;
}

export class FrameTable {
  private entries: FrameEntry[] = [];

  /** A frame's id, which is also its registers scope's variablesReference (ids start at 1). */
  add(threadId: number, index: number, frame: StackFrameInfo): number {
    this.entries.push({ threadId, index, frame });
    return this.entries.length;
  }

  get(id: number): FrameEntry | undefined {
    return this.entries[id - 1];
  }

  clear(): void {
    this.entries = [];
  }
}
