// The device tree a QEMU `virt` guest reads, modelled on QEMU 7.2's
// `qemu-system-aarch64 -M virt,highmem=off -cpu cortex-a72 -machine dumpdtb=...` (hw/arm/virt.c
// create_fdt() and friends): same node names, compatibles, property layouts, interrupt specifiers
// and phandle numbering (QEMU allocates from 0x8000), nodes in the order they appear in QEMU's blob.
//
// Deliberately different from QEMU's dump (the platform does not emulate these, or they are random):
//   /platform-bus@c000000    present but always empty (no dynamic sysbus devices)
//   /pl061@9030000, /gpio-keys  no PL061 GPIO
//   /pmu                     no PMU emulation (as QEMU with pmu=off)
//   /chosen kaslr-seed, rng-seed   random per boot in QEMU; our DTB is deterministic
//   /pcie@10000000 uses the low 16 MiB ECAM window (as QEMU with highmem=off): no 64-bit MMIO range,
//                  bus-range 0..0x0f (16 buses fit 16 MiB of ECAM).
//   cpu@N enable-method = "psci" is present even with one CPU (QEMU leaves it out when -smp 1).

import { FdtNode, PhandleAllocator, fdtValue, serializeFdt } from './fdt-writer';
import { IRQ, SPI_BASE, UART_CLOCK_HZ, VIRT } from './virt-map';

export interface VirtDtbConfig {
  ramBase: bigint;
  ramSize: bigint;
  cpus: number;
  bootargs?: string;
  initrd?: { start: bigint; end: bigint };
  model?: string;
  /** Pad the blob with free space to this total size (QEMU's blobs are QEMU_FDT_BYTES). */
  totalSize?: number;
}

/** The size of the blob QEMU hands a guest: its 1 MiB working tree, never packed (hw/arm/boot.c). */
export const QEMU_FDT_BYTES = 0x10_0000;

// PCIe windows and INTx lines of virt (hw/arm/virt.c base_memmap[] VIRT_PCIE_MMIO / VIRT_PCIE_PIO,
// a15irqmap[] VIRT_PCIE). virt-map.ts does not carry them yet; they belong there.
const PCIE_MMIO = { base: 0x1000_0000n, size: 0x2eff_0000n } as const;
const PCIE_PIO = { base: 0x3eff_0000n, size: 0x1_0000n } as const;
const PCIE_IRQ_SPI_FIRST = 3;
/** The platform bus window (base_memmap[] VIRT_PLATFORM_BUS): described, never populated. */
const PLATFORM_BUS = { base: 0x0c00_0000n, size: 0x0200_0000n } as const;
const PCIE_INTX_LINES = 4;

// GIC devicetree interrupt specifier (Linux dt-bindings/interrupt-controller/arm-gic.h).
const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_EDGE_RISING = 1;
const IRQ_LEVEL_HIGH = 4;
const PPI_INTID_BASE = 16;
/** GICv2 supports at most 8 CPU interfaces. */
const GICV2_MAX_CPUS = 8;

// PSCI 0.2 function ids QEMU advertises (SMC64 variants where they exist).
const PSCI_CPU_SUSPEND_64 = 0xc400_0001;
const PSCI_CPU_OFF = 0x8400_0002;
const PSCI_CPU_ON_64 = 0xc400_0003;
const PSCI_MIGRATE_64 = 0xc400_0005;

const QEMU_FIRST_PHANDLE = 0x8000;
const MIB = 1n << 20n;

const hex = (v: bigint): string => v.toString(16);
/** A `reg` under #address-cells = 2, #size-cells = 2. */
const reg2 = (...pairs: Array<readonly [bigint, bigint]>): Uint8Array =>
  fdtValue.sized(...pairs.flatMap(([base, size]) => [[base, 2], [size, 2]] as const));
const spi = (intid: number, flags: number): number[] => [GIC_SPI, intid - SPI_BASE, flags];

/** MPIDR affinity QEMU gives virt CPU `i` with a GICv2 (clusters of 8: Aff1 = i / 8, Aff0 = i % 8). */
export function virtCpuMpidr(i: number): number {
  return ((Math.floor(i / GICV2_MAX_CPUS) << 8) | i % GICV2_MAX_CPUS) >>> 0;
}

export function buildVirtDtb(cfg: VirtDtbConfig): Uint8Array {
  if (!Number.isInteger(cfg.cpus) || cfg.cpus < 1 || cfg.cpus > GICV2_MAX_CPUS) {
    throw new Error(`virt dtb: ${cfg.cpus} CPUs (a GICv2 virt board has 1..${GICV2_MAX_CPUS})`);
  }
  if (cfg.ramSize <= 0n) throw new Error('virt dtb: RAM size must be positive');
  if (cfg.initrd && cfg.initrd.end < cfg.initrd.start) throw new Error('virt dtb: initrd end before start');

  const ph = new PhandleAllocator(QEMU_FIRST_PHANDLE);
  const root = new FdtNode('');

  // Phandles in QEMU's allocation order: clock, CPUs (highest first), GIC, v2m.
  const clock = new FdtNode('apb-pclk');
  const clk = ph.assign(clock);
  const cpuNodes: FdtNode[] = [];
  const cpuPhandles: number[] = [];
  for (let i = cfg.cpus - 1; i >= 0; i--) {
    const n = new FdtNode(`cpu@${virtCpuMpidr(i).toString(16)}`);
    cpuNodes[i] = n;
    cpuPhandles[i] = ph.assign(n);
  }
  const gic = new FdtNode(`intc@${hex(VIRT.gicDist.base)}`);
  const gicPh = ph.assign(gic);
  const v2m = new FdtNode(`v2m@${hex(VIRT.gicV2m.base)}`);
  const v2mPh = ph.assign(v2m);

  root
    .setU32('interrupt-parent', gicPh)
    .setString('model', cfg.model ?? 'linux,dummy-virt')
    .setU32('#size-cells', 2)
    .setU32('#address-cells', 2)
    .setString('compatible', 'linux,dummy-virt');

  root
    .add('psci')
    .setStrings('compatible', 'arm,psci-1.0', 'arm,psci-0.2', 'arm,psci')
    .setString('method', 'hvc')
    .setU32('cpu_suspend', PSCI_CPU_SUSPEND_64)
    .setU32('cpu_off', PSCI_CPU_OFF)
    .setU32('cpu_on', PSCI_CPU_ON_64)
    .setU32('migrate', PSCI_MIGRATE_64);

  root
    .add(`memory@${hex(cfg.ramBase)}`)
    .setString('device_type', 'memory')
    .set('reg', reg2([cfg.ramBase, cfg.ramSize]));

  root
    .add('platform-bus@c000000')
    .setU32('interrupt-parent', gicPh)
    .setU32('ranges', 0, 0, Number(PLATFORM_BUS.base), Number(PLATFORM_BUS.size))
    .setU32('#address-cells', 1)
    .setU32('#size-cells', 1)
    .setStrings('compatible', 'qemu,platform', 'simple-bus');

  root
    .add(`fw-cfg@${hex(VIRT.fwCfg.base)}`)
    .setEmpty('dma-coherent')
    .set('reg', reg2([VIRT.fwCfg.base, VIRT.fwCfg.size]))
    .setString('compatible', 'qemu,fw-cfg-mmio');

  for (let i = 0; i < VIRT.virtioMmio.count; i++) {
    const base = VIRT.virtioMmio.base + BigInt(i) * VIRT.virtioMmio.size;
    root
      .add(`virtio_mmio@${hex(base)}`)
      .setString('compatible', 'virtio,mmio')
      .set('reg', reg2([base, VIRT.virtioMmio.size]))
      .setU32('interrupts', ...spi(IRQ.virtioMmioFirst + i, IRQ_EDGE_RISING))
      .setEmpty('dma-coherent');
  }

  // PCIe host bridge (generic ECAM). interrupt-map: the INTx swizzle for slots 0..3, pins A..D,
  // each entry = child (devfn<<8 hi cell, 0, 0, pin) -> GIC (0, 0, SPI, irq, level-high).
  const ecam = VIRT.pcieEcam;
  const intMap: number[] = [];
  for (let slot = 0; slot < PCIE_INTX_LINES; slot++) {
    for (let pin = 0; pin < PCIE_INTX_LINES; pin++) {
      const irq = PCIE_IRQ_SPI_FIRST + ((pin + slot) % PCIE_INTX_LINES);
      intMap.push(slot << 11, 0, 0, pin + 1, gicPh, 0, 0, GIC_SPI, irq, IRQ_LEVEL_HIGH);
    }
  }
  const PCI_SPACE_IO = 0x0100_0000n;
  const PCI_SPACE_MEM32 = 0x0200_0000n;
  root
    .add(`pcie@${hex(PCIE_MMIO.base)}`)
    .setString('compatible', 'pci-host-ecam-generic')
    .setString('device_type', 'pci')
    .setU32('#address-cells', 3)
    .setU32('#size-cells', 2)
    .setU32('linux,pci-domain', 0)
    .setU32('bus-range', 0, Number(ecam.size / MIB) - 1)
    .setEmpty('dma-coherent')
    .set('reg', reg2([ecam.base, ecam.size]))
    .set(
      'ranges',
      fdtValue.sized(
        [PCI_SPACE_IO, 1], [0n, 2], [PCIE_PIO.base, 2], [PCIE_PIO.size, 2],
        [PCI_SPACE_MEM32, 1], [PCIE_MMIO.base, 2], [PCIE_MMIO.base, 2], [PCIE_MMIO.size, 2],
      ),
    )
    .setU32('msi-map', 0, v2mPh, 0, 0x1_0000)
    .setU32('#interrupt-cells', 1)
    .setU32('interrupt-map', ...intMap)
    .setU32('interrupt-map-mask', 0x1800, 0, 0, 7);

  root
    .add(`pl031@${hex(VIRT.rtc.base)}`)
    .setStrings('compatible', 'arm,pl031', 'arm,primecell')
    .set('reg', reg2([VIRT.rtc.base, VIRT.rtc.size]))
    .setU32('interrupts', ...spi(IRQ.rtc, IRQ_LEVEL_HIGH))
    .setU32('clocks', clk)
    .setString('clock-names', 'apb_pclk');

  const uartName = `pl011@${hex(VIRT.uart.base)}`;
  root
    .add(uartName)
    .setStrings('compatible', 'arm,pl011', 'arm,primecell')
    .set('reg', reg2([VIRT.uart.base, VIRT.uart.size]))
    .setU32('interrupts', ...spi(IRQ.uart, IRQ_LEVEL_HIGH))
    .setU32('clocks', clk, clk)
    .setStrings('clock-names', 'uartclk', 'apb_pclk');

  root.add(gic);
  gic
    .setString('compatible', 'arm,cortex-a15-gic')
    .setU32('#interrupt-cells', 3)
    .setEmpty('interrupt-controller')
    .setU32('#address-cells', 2)
    .setU32('#size-cells', 2)
    .setEmpty('ranges')
    .set('reg', reg2([VIRT.gicDist.base, VIRT.gicDist.size], [VIRT.gicCpu.base, VIRT.gicCpu.size]));
  gic.add(v2m);
  v2m
    .setString('compatible', 'arm,gic-v2m-frame')
    .setEmpty('msi-controller')
    .set('reg', reg2([VIRT.gicV2m.base, VIRT.gicV2m.size]));

  const bank = VIRT.flash.size / 2n;
  root
    .add(`flash@${hex(VIRT.flash.base)}`)
    .setString('compatible', 'cfi-flash')
    .set('reg', reg2([VIRT.flash.base, bank], [VIRT.flash.base + bank, bank]))
    .setU32('bank-width', 4);

  const cpus = root.add('cpus').setU32('#address-cells', 1).setU32('#size-cells', 0);
  const cluster = cpus.add('cpu-map').add('socket0').add('cluster0');
  for (let i = 0; i < cfg.cpus; i++) cluster.add(`core${i}`).setU32('cpu', cpuPhandles[i]);
  for (let i = 0; i < cfg.cpus; i++) {
    cpus
      .add(cpuNodes[i])
      .setString('device_type', 'cpu')
      .setString('compatible', 'arm,cortex-a72')
      .setU32('reg', virtCpuMpidr(i))
      .setString('enable-method', 'psci');
  }

  // Timer PPIs: secure phys, non-secure phys, virtual, hypervisor. With a GICv2 the flags carry
  // the CPU target mask in bits 15:8 (arm-gic.h GIC_CPU_MASK_SIMPLE) as QEMU encodes them.
  const ppiFlags = ((((1 << cfg.cpus) - 1) & 0xff) << 8) | IRQ_LEVEL_HIGH;
  const ppi = (intid: number): number[] => [GIC_PPI, intid - PPI_INTID_BASE, ppiFlags];
  root
    .add('timer')
    .setStrings('compatible', 'arm,armv8-timer', 'arm,armv7-timer')
    .setEmpty('always-on')
    .setU32('interrupts', ...ppi(IRQ.timerSecurePhys), ...ppi(IRQ.timerPhys), ...ppi(IRQ.timerVirt), ...ppi(IRQ.timerHyp));

  root.add(clock);
  clock
    .setString('compatible', 'fixed-clock')
    .setU32('#clock-cells', 0)
    .setU32('clock-frequency', UART_CLOCK_HZ)
    .setString('clock-output-names', 'clk24mhz');

  const chosen = root.add('chosen').setString('stdout-path', `/${uartName}`);
  if (cfg.bootargs !== undefined) chosen.setString('bootargs', cfg.bootargs);
  if (cfg.initrd) {
    // QEMU writes one cell when the address fits (as its dump shows); Linux reads 1 or 2 cells.
    const cell = (v: bigint): Uint8Array => (v > 0xffff_ffffn ? fdtValue.u64(v) : fdtValue.u32(Number(v)));
    chosen.set('linux,initrd-start', cell(cfg.initrd.start)).set('linux,initrd-end', cell(cfg.initrd.end));
  }

  const packed = serializeFdt(root);
  if (!cfg.totalSize || cfg.totalSize <= packed.length) return packed;
  return serializeFdt(root, { padding: cfg.totalSize - packed.length });
}

const TWO_MIB = 2n * MIB;
const PAGE = 4096n;
const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;

/**
 * Where QEMU puts the DTB in guest-physical memory (hw/arm/boot.c, QEMU >= 4.0, verified against
 * QEMU 7.2 by reading x0 at the kernel entry):
 *
 * - Non-Linux boots (ELF kernels, -bios / flash firmware): at the start of RAM (`loader_start`).
 *   arm_setup_direct_kernel_boot() does this for an ELF only when the ELF does not cover the RAM
 *   base (elf_low_addr > loader_start || elf_high_addr < loader_start), limiting the DTB to end
 *   below elf_low_addr; otherwise QEMU passes no DTB at all. `imageEnd` is not enough to decide
 *   that, so callers that load an ELF over the RAM base must check `elfLeavesRoomForDtb` first.
 * - Linux (arm64 Image, uImage, raw):
 *     initrd_start = TARGET_PAGE_ALIGN(max(loader_start + min(ram_size / 2, 128 MiB), image_high_addr))
 *     dtb_start    = QEMU_ALIGN_UP(initrd_start + initrd_size, 2 MiB)   // AArch64; 4 KiB for AArch32
 *   ("Some AArch64 kernels on early bootup map the fdt region as [ALIGN_DOWN(fdt, 2MB) ... +2MB]").
 *   So with 128 MiB at 0x40000000 and no initrd the DTB is at 0x44000000; with 1 GiB, 0x48000000.
 *   `imageEnd` is image_high_addr (load address + size of the kernel image); `initrdSize` is 0 when
 *   there is no initrd (the initrd itself goes at the same initrd_start).
 *
 * Throws if the DTB would not fit in RAM (QEMU refuses to boot then).
 */
export function dtbPlacement(
  ramBase: bigint,
  ramSize: bigint,
  imageEnd: bigint,
  dtbSize: number,
  isLinux: boolean,
  initrdSize = 0n,
): bigint {
  const ramEnd = ramBase + ramSize;
  let at = ramBase;
  if (isLinux) {
    const initrdStart = initrdPlacement(ramBase, ramSize, imageEnd);
    at = alignUp(initrdStart + initrdSize, TWO_MIB);
  }
  if (at + BigInt(dtbSize) > ramEnd) {
    throw new Error(`virt dtb: no room for a ${dtbSize}-byte DTB at 0x${hex(at)} (RAM ends at 0x${hex(ramEnd)})`);
  }
  return at;
}

/** Where QEMU loads the initrd for a Linux boot (the same rule, see dtbPlacement). */
export function initrdPlacement(ramBase: bigint, ramSize: bigint, imageEnd: bigint): bigint {
  const half = ramSize / 2n;
  let start = ramBase + (half < 128n * MIB ? half : 128n * MIB);
  if (imageEnd > start) start = imageEnd;
  return alignUp(start, PAGE);
}

/** Whether QEMU would place a DTB at the RAM base for an ELF spanning [elfLow, elfHigh). */
export function elfLeavesRoomForDtb(ramBase: bigint, elfLow: bigint, elfHigh: bigint, dtbSize: number): boolean {
  if (elfHigh <= ramBase) return true;
  return elfLow > ramBase && elfLow - ramBase >= BigInt(dtbSize);
}
