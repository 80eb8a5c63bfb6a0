/** Node-RED settings (the slice this package sets) for a Node-RED that must stay on this machine. */
export interface LocalSettings extends Record<string, unknown> {
  userDir: string;
  flowFile: string;
  editorTheme: Record<string, unknown>;
}

/**
 * What the demo's embedded Node-RED and the tests' Node-RED processes both start from: nothing phones
 * home, nothing gets installed, no tour over the editor.
 */
export function localOnlySettings(userDir: string, logLevel: string): LocalSettings {
  return {
    userDir,
    flowFile: 'flows.json',
    logging: { console: { level: logLevel, metrics: false, audit: false } },
    // Telemetry pings and the update check both go to nodered.org.
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    // No palette manager or npm installs: it would fetch the catalogue from the internet, and what is
    // installed is decided by whoever starts Node-RED.
    externalModules: {
      autoInstall: false,
      palette: { allowInstall: false, allowUpdate: false, allowUpload: false },
      modules: { allowInstall: false },
    },
    functionExternalModules: false,
    // The welcome tour would cover the editor (for a demo visitor, and in browser tests).
    editorTheme: { tours: false, projects: { enabled: false } },
  };
}
