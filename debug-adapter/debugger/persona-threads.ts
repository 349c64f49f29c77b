// Thread ids for every vCPU of every persona: numbered 1, 2, ... in manifest order (persona 0's
// vCPUs first), fixed at launch, so an id means the same vCPU for the whole session.

export interface ThreadInfo {
  id: number;
  persona: number;
  vcpu: number;
  /** `<persona> · vCPU<n>`, e.g. `work · vCPU0`. */
  name: string;
}

export class PersonaThreads {
  readonly all: readonly ThreadInfo[];
  private readonly firstId: number[] = [];

  constructor(personas: readonly { name: string; cpus: number }[]) {
    const all: ThreadInfo[] = [];
    for (const [persona, p] of personas.entries()) {
      this.firstId.push(all.length + 1);
      for (let vcpu = 0; vcpu < p.cpus; vcpu++) all.push({ id: all.length + 1, persona, vcpu, name: `${p.name} · vCPU${vcpu}` });
    }
    this.all = all;
  }

  byId(id: number): ThreadInfo | undefined {
    return this.all[id - 1];
  }

  idOf(persona: number, vcpu: number): number {
    return (this.firstId[persona] ?? 1) + vcpu;
  }
}
