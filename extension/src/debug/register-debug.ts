// Everything the `persona` debug type brings to the window: the adapter factory, the configuration
// provider, the session registry, and the views and commands that follow the current session.
import { debug, DebugConfigurationProviderTriggerKind, window, type Disposable, type LogOutputChannel } from 'vscode';
import { registerDeviceCommands } from '../commands/device-commands';
import { registerTrapCommands } from '../commands/trap-commands';
import { PersonaConsoles } from '../consoles/persona-consoles';
import { PersonaStatusBar } from '../views/status-bar';
import { TimelinePanel } from '../views/timeline-panel';
import { TRAP_VIEW_ID, TrapTreeProvider } from '../views/trap-view';
import { PersonaAdapterFactory } from './adapter-factory';
import { PersonaConfigurationProvider } from './configuration-provider';
import { DEBUG_TYPE } from './launch-config';
import { SessionRegistry } from './session-registry';

export function registerDebugging(extensionPath: string, log: LogOutputChannel): Disposable[] {
  const registry = new SessionRegistry();
  const provider = new PersonaConfigurationProvider();
  const traps = new TrapTreeProvider(registry);
  const consoles = new PersonaConsoles(registry);
  const timeline = new TimelinePanel(registry);
  return [
    registry,
    debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new PersonaAdapterFactory(extensionPath, log)),
    debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, DebugConfigurationProviderTriggerKind.Initial),
    debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, DebugConfigurationProviderTriggerKind.Dynamic),
    traps,
    window.createTreeView(TRAP_VIEW_ID, { treeDataProvider: traps, showCollapseAll: true }),
    consoles,
    timeline,
    new PersonaStatusBar(registry),
    ...registerTrapCommands(registry, traps),
    ...registerDeviceCommands(registry, consoles, timeline),
  ];
}
